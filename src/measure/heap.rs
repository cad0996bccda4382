//! Heap in use, counted by an allocator that wraps the system's: `bench` reports the memory an
//! open engine holds apart from the pages of its generation that the kernel maps in (which
//! count towards resident memory but are shared, evictable file cache), and `quotebot index` its
//! peak. The binary installs it; counting costs one relaxed atomic operation per allocation
//! (two when the peak moves).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// Counts `size` more bytes in use and keeps the peak.
fn grow(size: usize) {
    let now = IN_USE.fetch_add(size, Ordering::Relaxed) + size;
    // A load first: the peak rarely moves, and a read is cheaper than a read-modify-write.
    if now > PEAK.load(Ordering::Relaxed) {
        PEAK.fetch_max(now, Ordering::Relaxed);
    }
}

/// The system allocator, counting the bytes it hands out.
pub struct CountingAllocator;

// SAFETY: every call is passed on to `System` unchanged; only counters are updated beside it.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is the one `System::alloc` needs.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grow(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grow(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator, that is by `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`, and `new_size` is the caller's valid new size.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                grow(new_size - layout.size());
            } else {
                IN_USE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        new
    }
}

/// Bytes of heap in use, when the running binary counts them (zero otherwise).
pub fn heap_in_use() -> usize {
    IN_USE.load(Ordering::Relaxed)
}

/// The most bytes of heap that were in use at once (zero when not counted).
pub fn heap_peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}
