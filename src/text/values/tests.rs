use super::*;

/// (figure text, value, upper end, canonical unit, precision, qualifier).
type Case = (&'static str, f64, Option<f64>, &'static str, f64, Qualifier);

const EXACT: Qualifier = Qualifier::Exact;
const AT_LEAST: Qualifier = Qualifier::AtLeast;

const CASES: &[Case] = &[
    // Arabic numerals with multipliers and units.
    ("1686亿元", 1686e8, None, "元", 1e8, EXACT),
    ("305亿元", 305e8, None, "元", 1e8, EXACT),
    ("26.1亿元", 26.1e8, None, "元", 1e7, EXACT),
    ("1,686亿元", 1686e8, None, "元", 1e8, EXACT),
    ("68万台", 68e4, None, "台", 1e4, EXACT),
    ("25.3万台", 25.3e4, None, "台", 1e3, EXACT),
    ("74.5万台", 74.5e4, None, "台", 1e3, EXACT),
    ("1.6亿吨", 1.6e8, None, "吨", 1e7, EXACT),
    ("16000万吨", 1.6e8, None, "吨", 1e4, EXACT),
    ("1755万千瓦", 1755e4, None, "千瓦", 1e4, EXACT),
    ("1754.69万千瓦", 1754.69e4, None, "千瓦", 1e2, EXACT),
    ("929万千瓦", 929e4, None, "千瓦", 1e4, EXACT),
    ("100亿度", 100e8, None, "千瓦时", 1e8, EXACT),
    ("100亿千瓦时", 100e8, None, "千瓦时", 1e8, EXACT),
    ("3千万元", 3e7, None, "元", 1e7, EXACT),
    ("5000万元", 5e7, None, "元", 1e4, EXACT),
    ("200万", 200e4, None, "", 1e4, EXACT),
    ("300万", 300e4, None, "", 1e4, EXACT),
    ("54.35%", 54.35, None, "%", 0.01, EXACT),
    ("85%", 85.0, None, "%", 1.0, EXACT),
    ("5‰", 0.5, None, "%", 0.1, EXACT),
    ("0.5个百分点", 0.5, None, "个百分点", 0.1, EXACT),
    ("3.2个百分点", 3.2, None, "个百分点", 0.1, EXACT),
    ("2.6天", 2.6, None, "天", 0.1, EXACT),
    ("25.1亿斤", 25.1e8 * 0.5, None, "千克", 1e7 * 0.5, EXACT),
    ("20摄氏度", 20.0, None, "℃", 1.0, EXACT),
    ("20℃", 20.0, None, "℃", 1.0, EXACT),
    ("1536tb", 1536.0, None, "tb", 1.0, EXACT),
    ("2pb", 2000.0, None, "tb", 1000.0, EXACT),
    ("5年", 5.0, None, "年", 1.0, EXACT),
    (
        "443.26万亩",
        443.26e4 * 10_000.0 / 15.0,
        None,
        "平方米",
        1e2 * 10_000.0 / 15.0,
        EXACT,
    ),
    ("400万人次", 400e4, None, "人次", 1e4, EXACT),
    ("8000人", 8000.0, None, "人", 1.0, EXACT),
    ("35000名", 35000.0, None, "人", 1.0, EXACT),
    ("20座", 20.0, None, "座", 1.0, EXACT),
    ("14座", 14.0, None, "座", 1.0, EXACT),
    ("6座", 6.0, None, "座", 1.0, EXACT),
    ("1.17", 1.17, None, "", 0.01, EXACT),
    ("300公里", 300.0, None, "千米", 1.0, EXACT),
    ("500米", 0.5, None, "千米", 1e-3, EXACT),
    ("12平方公里", 12e6, None, "平方米", 1e6, EXACT),
    ("1000公顷", 1e7, None, "平方米", 1e4, EXACT),
    ("30公斤", 30.0, None, "千克", 1.0, EXACT),
    ("30千克", 30.0, None, "千克", 1.0, EXACT),
    ("120兆瓦", 120e3, None, "千瓦", 1e3, EXACT),
    // 多 / 余 in the figure: at least.
    ("300多公里", 300.0, None, "千米", 1.0, AT_LEAST),
    ("20余项", 20.0, None, "项", 1.0, AT_LEAST),
    ("3万多人", 3e4, None, "人", 1e4, AT_LEAST),
    ("1000多万元", 1000e4, None, "元", 1e4, AT_LEAST),
    // Chinese numerals.
    ("一千二百人", 1200.0, None, "人", 100.0, EXACT),
    (
        "十二万亩",
        12e4 * 10_000.0 / 15.0,
        None,
        "平方米",
        1e4 * 10_000.0 / 15.0,
        EXACT,
    ),
    ("十二万元", 12e4, None, "元", 1e4, EXACT),
    ("三十个", 30.0, None, "个", 10.0, EXACT),
    ("十个", 10.0, None, "个", 10.0, EXACT),
    ("十二项", 12.0, None, "项", 1.0, EXACT),
    ("一百零五家", 105.0, None, "家", 1.0, EXACT),
    ("两千万元", 2e7, None, "元", 1e7, EXACT),
    ("一千二百万元", 1.2e7, None, "元", 1e6, EXACT),
    ("三亿五千万元", 3.5e8, None, "元", 1e7, EXACT),
    ("十二万三千人", 123e3, None, "人", 1e3, EXACT),
    ("三百多家", 300.0, None, "家", 100.0, AT_LEAST),
    ("五千万千瓦", 5e7, None, "千瓦", 1e7, EXACT),
    ("千万千瓦", 1e7, None, "千瓦", 1e7, EXACT),
    ("千亿元", 1e11, None, "元", 1e11, EXACT),
    ("百万千瓦", 1e6, None, "千瓦", 1e6, EXACT),
    ("三十点五吨", 30.5, None, "吨", 0.1, EXACT),
    // Fractions and percentages in words.
    ("三分之一", 100.0 / 3.0, None, "%", 0.01, EXACT),
    ("四分之三", 75.0, None, "%", 0.01, EXACT),
    ("一半", 50.0, None, "%", 0.01, EXACT),
    ("百分之三十", 30.0, None, "%", 10.0, EXACT),
    ("百分之三十点五", 30.5, None, "%", 0.1, EXACT),
    // Ranges: the multiplier written once is both ends'.
    ("2~3年", 2.0, Some(3.0), "年", 1.0, EXACT),
    ("2-3年", 2.0, Some(3.0), "年", 1.0, EXACT),
    ("300到500亿", 300e8, Some(500e8), "", 1e8, EXACT),
    ("300至500亿元", 300e8, Some(500e8), "元", 1e8, EXACT),
    ("10%~15%", 10.0, Some(15.0), "%", 1.0, EXACT),
    // Products.
    ("2×100万千瓦", 200e4, None, "千瓦", 2e4, EXACT),
];

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn reads_the_value_unit_and_precision_of_figures() {
    for &(text, value, high, unit, precision, qualifier) in CASES {
        let q = quantity(text).unwrap_or_else(|| panic!("{text}: not read"));
        assert!(
            close(q.value, value),
            "{text}: value {} not {value}",
            q.value
        );
        assert_eq!(q.high.is_some(), high.is_some(), "{text}: range");
        if let (Some(got), Some(want)) = (q.high, high) {
            assert!(close(got, want), "{text}: high {got} not {want}");
        }
        assert_eq!(q.unit, unit, "{text}: unit");
        assert!(
            close(q.precision, precision),
            "{text}: precision {} not {precision}",
            q.precision
        );
        assert_eq!(q.qualifier, qualifier, "{text}: qualifier");
    }
}

#[test]
fn refuses_what_is_not_a_number() {
    for text in [
        "",
        "亿元",
        "多少",
        "年",
        "GDP",
        "第",
        "前",
        "第0名",
        "三分之",
        "百分之",
        "0分之1",
    ] {
        assert_eq!(quantity(text), None, "{text}");
    }
}

#[test]
fn reads_the_qualifier_around_a_figure() {
    let cases: &[(&str, &str, Qualifier, &str)] = &[
        ("投运服务器超过74.5万台", "74.5万台", AT_LEAST, "超过"),
        ("新能源装机突破1000万千瓦", "1000万千瓦", AT_LEAST, "突破"),
        ("原煤年产量稳定在1.5亿吨以上", "1.5亿吨", AT_LEAST, "以上"),
        ("PUE控制在1.15以内", "1.15", Qualifier::AtMost, "以内"),
        ("覆盖率超85%", "85%", AT_LEAST, "超"),
        ("人数不到300人", "300人", Qualifier::AtMost, "不到"),
        ("不超过5%", "5%", Qualifier::AtMost, "不超过"),
        ("约120万人", "120万人", Qualifier::About, "约"),
        ("近3万人", "3万人", Qualifier::About, "近"),
        ("增长7.5%左右", "7.5%", Qualifier::About, "左右"),
        ("完成1686亿元,净增", "1686亿元", EXACT, ""),
        ("达300多公里", "300多公里", AT_LEAST, "多"),
    ];
    for &(sentence, figure, qualifier, word) in cases {
        let start = sentence.find(figure).unwrap();
        let q = quantity_at(sentence, start..start + figure.len()).unwrap();
        assert_eq!(
            (q.qualifier, q.qualifier_word),
            (qualifier, word),
            "{sentence}"
        );
    }
}

#[test]
fn judges_agreement_by_value_precision_and_bounds() {
    let at = |sentence: &str, figure: &str| {
        let start = sentence.find(figure).unwrap();
        quantity_at(sentence, start..start + figure.len()).unwrap()
    };
    let plain = |figure: &str| quantity(figure).unwrap();
    let agree: &[(Quantity, Quantity)] = &[
        // Other wording, same value.
        (plain("1.6亿吨"), plain("16000万吨")),
        (plain("100亿度"), plain("100亿千瓦时")),
        (plain("68万台"), plain("680000台")),
        // Rounding: 1754.69 is 1755 to the coarser figure's step.
        (plain("1754.69万千瓦"), plain("1755万千瓦")),
        // Bounds that hold the other figure.
        (plain("1.6亿吨"), at("1.5亿吨以上", "1.5亿吨")),
        (at("超85%", "85%"), at("85%以上", "85%")),
        (plain("2.5年"), plain("2~3年")),
        (at("约120万人", "120万人"), plain("118万人")),
        (plain("一千二百人"), plain("1200人")),
        (plain("三分之一"), plain("33.33%")),
        (plain("300多公里"), plain("350公里")),
        // 个 counts whatever the measure names.
        (plain("24个"), plain("24座")),
        // 前三 holds 第三.
        (plain("前三"), plain("第三")),
        (plain("第3名"), plain("第三")),
        (plain("6000多人"), at("超过6000人", "6000人")),
        (plain("25.3万台"), at("超过25万台", "25万台")),
        (plain("1.6亿吨"), at("突破1.5亿吨", "1.5亿吨")),
    ];
    for (a, b) in agree {
        assert!(
            agrees(a, b) && agrees(b, a),
            "{a:?} should agree with {b:?}"
        );
    }
    let differ: &[(Quantity, Quantity)] = &[
        (plain("929万千瓦"), at("突破1000万千瓦", "1000万千瓦")),
        (plain("25.3万台"), plain("74.5万台")),
        (plain("6座"), plain("14座")),
        (plain("1.17"), at("1.15以内", "1.15")),
        // Other units never agree: a share is not a count, 千瓦 is not 千瓦时.
        (plain("85%"), plain("85个百分点")),
        (plain("100万千瓦"), plain("100万千瓦时")),
        (plain("24台"), plain("24架")),
        (plain("第五"), plain("前三")),
        (plain("24个"), plain("24吨")),
        (plain("1755万千瓦"), plain("1750万千瓦")),
        // A step apart is not within half a step.
        (plain("36万亩"), plain("37万亩")),
        (plain("46微克"), plain("47微克")),
        // Two lower bounds agree only on the bound.
        (at("超过100亿元", "100亿元"), at("超过700亿元", "700亿元")),
        (at("不到5%", "5%"), at("3%以内", "3%")),
        // 多 stops at the next step of the last digit: 6000多 is under 7000.
        (at("6000多人", "6000多人"), at("近3万人", "3万人")),
        (plain("300多公里"), plain("450公里")),
        (plain("2万多人"), plain("4万人")),
        // So do 超过 and 以上: a source stating 74.5万台 would not round it down to 25万.
        (at("超过25万台", "25万台"), plain("74.5万台")),
        (at("1.5亿吨以上", "1.5亿吨"), plain("6.4亿吨")),
    ];
    for (a, b) in differ {
        assert!(
            !agrees(a, b) && !agrees(b, a),
            "{a:?} should differ from {b:?}"
        );
    }
}

#[test]
fn tells_actuals_from_targets_forecasts_changes_and_ranks() {
    let cases: &[(&str, &str, Kind)] = &[
        ("全年地区生产总值完成1686亿元", "1686亿元", Kind::Actual),
        ("在用服务器达到68万台", "68万台", Kind::Actual),
        ("新增就业增加到3万人", "3万人", Kind::Actual),
        ("力争城镇新增就业3.5万人以上", "3.5万人", Kind::Target),
        (
            "着力建设新能源、大数据3个百亿级产业集群",
            "3个",
            Kind::Target,
        ),
        ("全年目标是实现增长6%", "6%", Kind::Target),
        ("确保粮食产量稳定在35亿斤", "35亿斤", Kind::Target),
        (
            "预计到“十四五”末服务器规模达200万台",
            "200万台",
            Kind::Forecast,
        ),
        ("预计2025年底用电量100亿度", "100亿度", Kind::Forecast),
        ("有望突破500亿元", "500亿元", Kind::Forecast),
        ("同比增长7.5%", "7.5%", Kind::Change),
        ("净增305亿元", "305亿元", Kind::Change),
        ("比上年提高3.2个百分点", "3.2个百分点", Kind::Change),
        ("增长了9.0%", "9.0%", Kind::Change),
        ("一般公共预算收入增长超过23.5%", "23.5%", Kind::Change),
        ("位列全省第3名", "第3名", Kind::Rank),
        ("稳居全国前三", "前三", Kind::Rank),
        (
            "未来2~3年全市发电量将提高至1100亿千瓦时",
            "1100亿千瓦时",
            Kind::Forecast,
        ),
        ("项目建成后年发电量将达到50亿度", "50亿度", Kind::Forecast),
        // A goal's word governs the list after it, not the next part of the sentence.
        (
            "预计到“十四五”末,总投资将达400亿元以上,服务器规模突破200万台",
            "200万台",
            Kind::Forecast,
        ),
        ("力争明年更好；今年完成1686亿元", "1686亿元", Kind::Actual),
        // The level a planned change starts from is what is.
        (
            "未来2~3年,发电量将由现在的550亿千瓦时提高至1100亿千瓦时",
            "550亿千瓦时",
            Kind::Actual,
        ),
        (
            "未来2~3年,发电量将由现在的550亿千瓦时提高至1100亿千瓦时",
            "1100亿千瓦时",
            Kind::Forecast,
        ),
        ("预计从目前的40亿度增加到60亿度", "40亿度", Kind::Actual),
        ("预计从目前的40亿度增加到60亿度", "60亿度", Kind::Forecast),
    ];
    for &(sentence, figure, kind) in cases {
        let start = sentence.find(figure).unwrap();
        assert_eq!(
            kind_at(sentence, start..start + figure.len()),
            kind,
            "{sentence}"
        );
    }
}

#[test]
fn a_figure_listed_after_another_is_of_its_kind() {
    let sentence = "收入分别增长8.1%、11.2%,人口1.2万人、3万户";
    let spans: Vec<Range<usize>> = ["8.1%", "11.2%", "1.2万人", "3万户"]
        .iter()
        .map(|figure| {
            let start = sentence.find(figure).unwrap();
            start..start + figure.len()
        })
        .collect();
    assert_eq!(
        kinds_of(sentence, &spans),
        [Kind::Change, Kind::Change, Kind::Actual, Kind::Actual]
    );
}
