//! Chinese names: people (realistic surname distribution), companies, training
//! schools, street addresses and phone numbers.

use super::region::{City, District, ROADS, WUHAN_ROADS};
use super::util::{pick, weighted};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The commonest surnames with their approximate share (per mille) of the population.
const SURNAMES: &[(&str, f64)] = &[
    ("王", 71.0),
    ("李", 70.0),
    ("张", 67.0),
    ("刘", 54.0),
    ("陈", 45.0),
    ("杨", 31.0),
    ("黄", 22.0),
    ("赵", 22.0),
    ("吴", 20.0),
    ("周", 19.0),
    ("徐", 15.0),
    ("孙", 15.0),
    ("马", 14.0),
    ("朱", 13.0),
    ("胡", 13.0),
    ("郭", 11.0),
    ("何", 11.0),
    ("高", 10.0),
    ("林", 10.0),
    ("罗", 9.0),
    ("郑", 9.0),
    ("梁", 8.0),
    ("谢", 7.0),
    ("宋", 6.0),
    ("唐", 6.0),
    ("许", 6.0),
    ("韩", 5.0),
    ("冯", 5.0),
    ("邓", 5.0),
    ("曹", 5.0),
    ("彭", 5.0),
    ("曾", 5.0),
    ("肖", 4.5),
    ("田", 4.0),
    ("董", 4.0),
    ("袁", 4.0),
    ("潘", 4.0),
    ("于", 4.0),
    ("蒋", 4.0),
    ("蔡", 4.0),
    ("余", 4.0),
    ("杜", 4.0),
    ("叶", 3.5),
    ("程", 3.5),
    ("苏", 3.0),
    ("魏", 3.0),
    ("吕", 3.0),
    ("丁", 3.0),
    ("任", 3.0),
    ("沈", 3.0),
    ("姚", 3.0),
    ("卢", 3.0),
    ("姜", 3.0),
    ("崔", 3.0),
    ("钟", 3.0),
    ("谭", 3.0),
    ("陆", 2.5),
    ("汪", 2.5),
    ("范", 2.5),
    ("金", 2.0),
    ("石", 2.0),
    ("廖", 2.0),
    ("贾", 2.0),
    ("夏", 2.0),
    ("韦", 2.0),
    ("付", 2.0),
    ("方", 2.0),
    ("白", 2.0),
    ("邹", 2.0),
    ("孟", 2.0),
    ("熊", 2.5),
    ("秦", 2.0),
    ("邱", 2.0),
    ("江", 2.0),
    ("尹", 2.0),
    ("薛", 1.5),
    ("闫", 1.5),
    ("段", 1.5),
    ("雷", 1.5),
    ("侯", 1.5),
    ("龙", 1.5),
    ("史", 1.5),
    ("陶", 1.5),
    ("黎", 1.5),
    ("贺", 1.5),
    ("顾", 1.5),
    ("毛", 1.5),
    ("郝", 1.5),
    ("龚", 1.5),
    ("邵", 1.5),
    ("万", 1.5),
    ("覃", 1.0),
    ("向", 1.0),
    ("欧阳", 0.5),
    ("司马", 0.1),
];

const MALE: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞",
    "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "洋", "峰", "建",
    "国", "志", "文", "东", "海", "亮", "成", "新", "春", "晨", "博", "子", "豪", "轩", "睿", "泽",
    "然", "嘉", "家", "振", "德", "卫", "兵", "锋", "昊", "天", "立", "荣",
];

const FEMALE: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "桂", "英", "燕", "婷", "雪", "慧",
    "琳", "颖", "倩", "佳", "欣", "怡", "梦", "晶", "露", "瑶", "洁", "蕾", "红", "萍", "丹", "莉",
    "琴", "月", "玉", "兰", "凤", "梅", "雅", "思", "涵", "悦", "诗", "雨", "晴", "可", "心", "晓",
    "文", "小",
];

/// A person's name: surname by frequency, one or two given-name characters by sex.
pub fn person_name(rng: &mut ChaCha8Rng, male: bool) -> String {
    let surname = SURNAMES[weighted(rng, SURNAMES.iter().map(|s| s.1))].0;
    let pool = if male { MALE } else { FEMALE };
    let mut name = surname.to_string();
    name.push_str(pick::<&str>(rng, pool));
    if rng.random_bool(0.78) {
        name.push_str(pick::<&str>(rng, pool));
    }
    name
}

/// The same name with one given-name character replaced (a typo or a borrowed identity).
pub fn name_variant(rng: &mut ChaCha8Rng, name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    loop {
        let pool = if rng.random_bool(0.5) { MALE } else { FEMALE };
        let replacement = pick(rng, pool);
        let mut out: String = chars[..chars.len() - 1].iter().collect();
        out.push_str(replacement);
        if out != name {
            return out;
        }
    }
}

/// Words that make company and school names (字号).
const BRANDS: &[&str] = &[
    "长江",
    "楚天",
    "荆楚",
    "华中",
    "江汉",
    "东湖",
    "光谷",
    "汉江",
    "鄂东",
    "三峡",
    "神农",
    "九州",
    "宏图",
    "天成",
    "恒信",
    "华泰",
    "鑫源",
    "金鹰",
    "中南",
    "博雅",
    "新城",
    "永安",
    "安达",
    "通达",
    "瑞丰",
    "兴业",
    "盛世",
    "富华",
    "明德",
    "卓越",
    "众诚",
    "华育",
    "德润",
    "知行",
    "匠心",
    "蓝天",
    "鸿远",
    "金桥",
    "锦程",
    "嘉禾",
    "宏达",
    "亿达",
    "华夏",
    "凯旋",
    "晨光",
    "和谐",
    "诚信",
    "远航",
    "腾飞",
    "楚韵",
    "江城",
    "汉正",
    "昌盛",
    "鼎立",
    "新纪元",
];

/// A brand (字号) for an organisation name.
pub fn brand(rng: &mut ChaCha8Rng) -> &'static str {
    pick::<&str>(rng, BRANDS)
}

const COMPANY_FORMS: &[&str] = &["有限公司", "有限责任公司", "股份有限公司", "集团有限公司"];

/// A company name such as 宜昌三峡电力有限公司 for an industry word such as 电力.
pub fn company_name(rng: &mut ChaCha8Rng, city: &City, industry: &str) -> String {
    let form = COMPANY_FORMS[weighted(rng, [5.0, 2.0, 2.0, 1.0])];
    let prefix = if rng.random_bool(0.2) {
        "湖北"
    } else {
        &city.short
    };
    format!("{prefix}{}{industry}{form}", brand(rng))
}

/// Industry words for employers that are not institutions (candidates' employers).
const TRADES: &[&str] = &[
    "商贸",
    "物流",
    "餐饮管理",
    "酒店管理",
    "建筑工程",
    "机电设备",
    "汽车服务",
    "物业服务",
    "家政服务",
    "健康管理",
    "食品",
    "电子科技",
    "网络科技",
    "装饰工程",
    "机械制造",
    "电气工程",
    "贸易",
    "养老服务",
    "美容美发",
    "文化传媒",
];

/// Some employer of a candidate (not an institution): name and industry word.
pub fn any_company(rng: &mut ChaCha8Rng, city: &City) -> String {
    let trade = pick(rng, TRADES);
    company_name(rng, city, trade)
}

/// A social training organisation's name for a training track (烹饪, 家政 …).
pub fn school_name(rng: &mut ChaCha8Rng, city: &City, district: &District, track: &str) -> String {
    let b = brand(rng);
    let district_short: String = district
        .name
        .trim_end_matches(['区', '县', '市'])
        .to_string();
    match weighted(rng, [4.0, 3.0, 2.0, 1.5, 1.0]) {
        0 => format!("{}{b}{track}职业培训学校", city.short),
        1 => format!("{}{district_short}{b}职业技能培训学校", city.short),
        2 => format!("湖北{b}{track}技能培训中心"),
        3 => format!("{}{b}职业培训学校有限公司", city.short),
        _ => format!("{}市{district_short}区{b}技工学校", city.short).replace("区区", "区"),
    }
}

/// A special-ability assessment site's name.
pub fn special_site_name(rng: &mut ChaCha8Rng, city: &City, track: &str) -> String {
    let b = brand(rng);
    match weighted(rng, [2.0, 1.0]) {
        0 => format!("{}{b}{track}专项职业能力考核站", city.short),
        _ => format!("{}技师学院{track}专项职业能力考核点", city.short),
    }
}

/// A street address in `district`.
pub fn address(rng: &mut ChaCha8Rng, city: &City, district: &District) -> String {
    let roads = if city.code.as_str() == "420100" {
        if rng.random_bool(0.7) {
            WUHAN_ROADS
        } else {
            ROADS
        }
    } else {
        ROADS
    };
    let road = pick(rng, roads);
    let number = rng.random_range(1..=1200);
    let tail = match weighted(rng, [3.0, 2.0, 2.0, 1.0]) {
        0 => String::new(),
        1 => format!(
            "{}栋{}楼",
            rng.random_range(1..=12),
            rng.random_range(1..=8)
        ),
        2 => format!("实训楼{}层", rng.random_range(1..=6)),
        _ => format!("{}号厂房", rng.random_range(1..=9)),
    };
    format!("{}{}{road}{number}号{tail}", city.name, district.name)
}

/// A landline number with the city's area code.
pub fn phone(rng: &mut ChaCha8Rng, city: &City) -> String {
    let digits = if city.area_code.len() == 3 { 8 } else { 7 };
    let first = rng.random_range(5..=8);
    let rest: String = (1..digits)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect();
    format!("{}-{first}{rest}", city.area_code)
}
