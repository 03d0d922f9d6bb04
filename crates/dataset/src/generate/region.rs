//! The generated province's cities (市州) and districts (区县): real GB/T 2260 codes
//! and names for Hubei, plausible derived codes for any other province.

use domain::RegionCode;

/// One city with its districts and its share of the province's institutions.
#[derive(Debug, Clone)]
pub struct City {
    pub code: RegionCode,
    pub name: String,
    /// Short name used in organisation names (武汉, 宜昌, 恩施).
    pub short: String,
    /// Telephone area code (027).
    pub area_code: String,
    pub districts: Vec<District>,
    /// Relative share of the province's institutions.
    pub weight: f64,
}

/// One district of a city.
#[derive(Debug, Clone)]
pub struct District {
    pub code: RegionCode,
    pub name: String,
}

type CityRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    &'static [(&'static str, &'static str)],
);

/// Hubei: code, name, short name, area code, weight, districts.
const HUBEI: &[CityRow] = &[
    (
        "420100",
        "武汉市",
        "武汉",
        "027",
        0.40,
        &[
            ("420102", "江岸区"),
            ("420103", "江汉区"),
            ("420104", "硚口区"),
            ("420105", "汉阳区"),
            ("420106", "武昌区"),
            ("420107", "青山区"),
            ("420111", "洪山区"),
            ("420112", "东西湖区"),
            ("420113", "汉南区"),
            ("420114", "蔡甸区"),
            ("420115", "江夏区"),
            ("420116", "黄陂区"),
            ("420117", "新洲区"),
        ],
    ),
    (
        "420200",
        "黄石市",
        "黄石",
        "0714",
        0.045,
        &[
            ("420202", "黄石港区"),
            ("420203", "西塞山区"),
            ("420204", "下陆区"),
            ("420205", "铁山区"),
            ("420222", "阳新县"),
            ("420281", "大冶市"),
        ],
    ),
    (
        "420300",
        "十堰市",
        "十堰",
        "0719",
        0.055,
        &[
            ("420302", "茅箭区"),
            ("420303", "张湾区"),
            ("420304", "郧阳区"),
            ("420322", "郧西县"),
            ("420381", "丹江口市"),
        ],
    ),
    (
        "420500",
        "宜昌市",
        "宜昌",
        "0717",
        0.075,
        &[
            ("420502", "西陵区"),
            ("420503", "伍家岗区"),
            ("420504", "点军区"),
            ("420506", "夷陵区"),
            ("420581", "宜都市"),
            ("420582", "当阳市"),
            ("420583", "枝江市"),
        ],
    ),
    (
        "420600",
        "襄阳市",
        "襄阳",
        "0710",
        0.075,
        &[
            ("420602", "襄城区"),
            ("420606", "樊城区"),
            ("420607", "襄州区"),
            ("420682", "老河口市"),
            ("420683", "枣阳市"),
            ("420684", "宜城市"),
        ],
    ),
    (
        "420700",
        "鄂州市",
        "鄂州",
        "0711",
        0.02,
        &[
            ("420702", "梁子湖区"),
            ("420703", "华容区"),
            ("420704", "鄂城区"),
        ],
    ),
    (
        "420800",
        "荆门市",
        "荆门",
        "0724",
        0.035,
        &[
            ("420802", "东宝区"),
            ("420804", "掇刀区"),
            ("420822", "沙洋县"),
            ("420881", "钟祥市"),
            ("420882", "京山市"),
        ],
    ),
    (
        "420900",
        "孝感市",
        "孝感",
        "0712",
        0.05,
        &[
            ("420902", "孝南区"),
            ("420921", "孝昌县"),
            ("420922", "大悟县"),
            ("420923", "云梦县"),
            ("420981", "应城市"),
            ("420982", "安陆市"),
            ("420984", "汉川市"),
        ],
    ),
    (
        "421000",
        "荆州市",
        "荆州",
        "0716",
        0.06,
        &[
            ("421002", "沙市区"),
            ("421003", "荆州区"),
            ("421022", "公安县"),
            ("421081", "石首市"),
            ("421083", "洪湖市"),
            ("421087", "松滋市"),
            ("421088", "监利市"),
        ],
    ),
    (
        "421100",
        "黄冈市",
        "黄冈",
        "0713",
        0.05,
        &[
            ("421102", "黄州区"),
            ("421122", "红安县"),
            ("421123", "罗田县"),
            ("421125", "浠水县"),
            ("421126", "蕲春县"),
            ("421127", "黄梅县"),
            ("421181", "麻城市"),
            ("421182", "武穴市"),
        ],
    ),
    (
        "421200",
        "咸宁市",
        "咸宁",
        "0715",
        0.03,
        &[
            ("421202", "咸安区"),
            ("421221", "嘉鱼县"),
            ("421223", "崇阳县"),
            ("421224", "通山县"),
            ("421281", "赤壁市"),
        ],
    ),
    (
        "421300",
        "随州市",
        "随州",
        "0722",
        0.02,
        &[
            ("421303", "曾都区"),
            ("421321", "随县"),
            ("421381", "广水市"),
        ],
    ),
    (
        "422800",
        "恩施土家族苗族自治州",
        "恩施",
        "0718",
        0.03,
        &[
            ("422801", "恩施市"),
            ("422802", "利川市"),
            ("422822", "建始县"),
            ("422823", "巴东县"),
            ("422825", "宣恩县"),
            ("422826", "咸丰县"),
            ("422828", "鹤峰县"),
        ],
    ),
];

const NUMERALS: [&str; 12] = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二",
];

/// The cities of `province` (a province-level code such as 420000), the capital first.
pub fn cities(province: RegionCode) -> Vec<City> {
    let prefix = &province.as_str()[..2];
    if prefix == "42" {
        return HUBEI
            .iter()
            .map(|&(code, name, short, area, weight, districts)| City {
                code: RegionCode::parse(code).expect("static code"),
                name: name.to_string(),
                short: short.to_string(),
                area_code: area.to_string(),
                weight,
                districts: districts
                    .iter()
                    .map(|&(c, n)| District {
                        code: RegionCode::parse(c).expect("static code"),
                        name: n.to_string(),
                    })
                    .collect(),
            })
            .collect();
    }
    // Another province: xx0100, xx0200, … with districts xx0102, xx0103, …; the
    // capital holds about 40% of the institutions, as in most provinces.
    let pname = province.province_name();
    let pshort: String = pname
        .trim_end_matches("省")
        .trim_end_matches("市")
        .chars()
        .take(2)
        .collect();
    (1..=12u32)
        .map(|i| {
            let code = RegionCode::parse(&format!("{prefix}{i:02}00")).expect("derived code");
            let n_districts = if i == 1 { 10 } else { 5 };
            let short = format!("{pshort}{}", NUMERALS[i as usize - 1]);
            City {
                code,
                name: format!("{short}市"),
                short: short.clone(),
                area_code: format!("0{}{:02}", 7 + i % 3, 10 + i),
                weight: if i == 1 { 0.40 } else { 0.6 / 11.0 },
                districts: (2..2 + n_districts)
                    .map(|d| District {
                        code: RegionCode::parse(&format!("{prefix}{i:02}{d:02}"))
                            .expect("derived code"),
                        name: format!("{short}第{}区", NUMERALS[(d - 2) as usize]),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Road names for street addresses: Wuhan's own, then generic ones.
pub const WUHAN_ROADS: &[&str] = &[
    "解放大道",
    "中山大道",
    "建设大道",
    "发展大道",
    "珞喻路",
    "武珞路",
    "民族大道",
    "光谷大道",
    "青年路",
    "友谊大道",
    "和平大道",
    "雄楚大道",
    "徐东大街",
    "汉阳大道",
    "鹦鹉大道",
    "京汉大道",
    "古田二路",
    "金银湖路",
    "文化大道",
    "高新大道",
];

/// Road names common in any Chinese city.
pub const ROADS: &[&str] = &[
    "人民路",
    "解放路",
    "建设路",
    "胜利路",
    "中山路",
    "和平路",
    "东风路",
    "体育路",
    "学院路",
    "工业大道",
    "长江路",
    "滨江路",
    "迎宾大道",
    "创业路",
    "高新大道",
    "发展大道",
    "新华路",
    "光明路",
    "北京路",
    "沿江大道",
];
