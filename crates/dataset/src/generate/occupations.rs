//! Which real 2022 大典 occupations (majors 4, 5, 6: 技能类) each kind of institution
//! evaluates, and at which levels. Employers evaluate the trades of their industry;
//! training schools follow a training track; special-ability sites assess level 5.

use domain::{Level, OccupationCode};

/// An occupation an institution may register, with the levels it usually covers
/// (`low` is the lowest level, i.e. the largest number; `high` the highest).
#[derive(Debug, Clone, Copy)]
pub struct Trade {
    pub code: &'static str,
    pub low: u8,
    pub high: u8,
}

/// An employer's industry or a school's training track.
#[derive(Debug, Clone, Copy)]
pub struct Track {
    /// Word used in organisation names: 汽车零部件, 烹饪 …
    pub word: &'static str,
    /// Share of institutions of this kind that follow it.
    pub weight: f64,
    pub trades: &'static [Trade],
}

const fn t(code: &'static str, low: u8, high: u8) -> Trade {
    Trade { code, low, high }
}

/// Employers (用人单位) by industry.
pub const INDUSTRIES: &[Track] = &[
    Track {
        word: "汽车零部件",
        weight: 3.0,
        trades: &[
            t("6-22-02-01", 5, 2),
            t("6-22-01-01", 5, 3),
            t("6-18-02-04", 5, 2),
            t("6-18-03-03", 5, 3),
            t("6-20-01-01", 5, 2),
            t("6-31-01-03", 5, 2),
            t("6-18-01-01", 5, 2),
        ],
    },
    Track {
        word: "钢铁",
        weight: 1.5,
        trades: &[
            t("6-17-02-02", 5, 1),
            t("6-17-09-02", 5, 2),
            t("6-17-01-06", 5, 2),
            t("6-31-01-03", 5, 2),
            t("6-18-02-04", 5, 2),
            t("6-31-01-02", 5, 2),
            t("6-30-05-02", 5, 3),
        ],
    },
    Track {
        word: "电力",
        weight: 1.5,
        trades: &[
            t("6-28-01-14", 5, 1),
            t("6-29-02-12", 5, 2),
            t("6-31-01-08", 5, 2),
            t("6-28-01-06", 5, 2),
            t("6-29-02-11", 5, 3),
            t("6-31-01-03", 5, 2),
        ],
    },
    Track {
        word: "建设工程",
        weight: 2.0,
        trades: &[
            t("6-29-01-01", 5, 3),
            t("6-29-01-04", 5, 3),
            t("6-29-01-05", 5, 3),
            t("6-29-01-03", 5, 3),
            t("6-29-02-08", 5, 3),
            t("6-29-04-01", 5, 3),
            t("6-18-02-04", 5, 2),
            t("6-31-01-03", 5, 2),
        ],
    },
    Track {
        word: "石油化工",
        weight: 1.0,
        trades: &[
            t("6-11-01-03", 5, 1),
            t("6-31-03-01", 5, 2),
            t("6-31-01-04", 5, 2),
            t("6-31-01-03", 5, 2),
            t("6-28-03-03", 5, 3),
        ],
    },
    Track {
        word: "机械制造",
        weight: 2.0,
        trades: &[
            t("6-18-01-01", 5, 2),
            t("6-18-01-02", 5, 2),
            t("6-18-01-04", 5, 3),
            t("6-18-01-07", 5, 2),
            t("6-18-04-06", 5, 2),
            t("6-20-01-01", 5, 2),
            t("6-18-02-04", 5, 2),
        ],
    },
    Track {
        word: "食品",
        weight: 1.0,
        trades: &[
            t("6-02-01-01", 5, 3),
            t("6-02-06-03", 5, 2),
            t("4-08-05-01", 5, 3),
            t("6-02-03-02", 5, 3),
        ],
    },
    Track {
        word: "酒店管理",
        weight: 1.0,
        trades: &[
            t("4-03-02-01", 5, 2),
            t("4-03-02-02", 5, 3),
            t("4-03-01-02", 5, 3),
            t("4-03-02-05", 5, 3),
            t("4-03-02-07", 5, 3),
        ],
    },
    Track {
        word: "物流",
        weight: 1.0,
        trades: &[
            t("4-02-07-08", 5, 3),
            t("4-02-06-01", 5, 3),
            t("6-30-05-01", 5, 3),
            t("4-02-05-01", 5, 4),
        ],
    },
    Track {
        word: "电子科技",
        weight: 1.0,
        trades: &[
            t("6-25-04-07", 5, 2),
            t("6-25-04-08", 5, 2),
            t("6-31-07-03", 5, 3),
            t("6-31-07-01", 5, 3),
        ],
    },
    Track {
        word: "轨道交通",
        weight: 0.6,
        trades: &[
            t("6-29-02-17", 5, 2),
            t("4-02-01-01", 5, 3),
            t("6-29-02-16", 5, 2),
        ],
    },
];

/// Social training and evaluation organisations (社会培训评价组织) by track.
pub const SCHOOL_TRACKS: &[Track] = &[
    Track {
        word: "烹饪",
        weight: 3.0,
        trades: &[
            t("4-03-02-01", 5, 2),
            t("4-03-02-02", 5, 3),
            t("4-03-02-04", 5, 3),
            t("4-03-02-03", 5, 3),
        ],
    },
    Track {
        word: "家政",
        weight: 3.0,
        trades: &[
            t("4-10-01-06", 5, 3),
            t("4-10-01-05", 5, 2),
            t("4-10-01-03", 5, 3),
            t("4-10-01-01", 5, 4),
        ],
    },
    Track {
        word: "美容美发",
        weight: 1.5,
        trades: &[
            t("4-10-03-01", 5, 2),
            t("4-10-03-02", 5, 2),
            t("4-10-04-02", 5, 3),
        ],
    },
    Track {
        word: "机电",
        weight: 2.5,
        trades: &[
            t("6-31-01-03", 5, 2),
            t("6-18-02-04", 5, 2),
            t("6-31-01-02", 5, 3),
            t("6-29-03-05", 5, 3),
        ],
    },
    Track {
        word: "汽车维修",
        weight: 1.0,
        trades: &[t("4-12-01-01", 5, 2), t("6-31-01-03", 5, 3)],
    },
    Track {
        word: "电子商务",
        weight: 1.5,
        trades: &[
            t("4-01-06-01", 5, 3),
            t("4-01-06-02", 5, 3),
            t("4-02-06-01", 5, 4),
        ],
    },
    Track {
        word: "茶艺",
        weight: 0.8,
        trades: &[
            t("4-03-02-07", 5, 2),
            t("6-02-06-11", 5, 3),
            t("4-03-02-10", 5, 4),
        ],
    },
    Track {
        word: "健康服务",
        weight: 1.2,
        trades: &[
            t("4-14-02-01", 5, 3),
            t("4-14-02-02", 5, 3),
            t("4-03-02-06", 5, 3),
        ],
    },
    Track {
        word: "安全技术",
        weight: 1.0,
        trades: &[t("4-07-05-01", 5, 3), t("4-07-05-03", 5, 3)],
    },
    Track {
        word: "信息技术",
        weight: 0.8,
        trades: &[
            t("4-04-05-01", 5, 3),
            t("4-04-04-02", 5, 3),
            t("4-12-02-01", 5, 3),
        ],
    },
    Track {
        word: "农业技术",
        weight: 0.8,
        trades: &[
            t("5-01-02-01", 5, 3),
            t("5-05-02-03", 5, 3),
            t("6-02-06-10", 5, 3),
            t("5-01-02-02", 5, 4),
        ],
    },
];

/// Special-ability assessment sites (专项职业能力考核考点): level 5 only.
pub const SPECIAL_TRACKS: &[Track] = &[
    Track {
        word: "面点制作",
        weight: 1.0,
        trades: &[t("4-03-02-02", 5, 5)],
    },
    Track {
        word: "茶叶加工",
        weight: 1.0,
        trades: &[t("6-02-06-10", 5, 5)],
    },
    Track {
        word: "母婴护理",
        weight: 1.0,
        trades: &[t("4-10-01-06", 5, 5), t("4-10-01-03", 5, 5)],
    },
    Track {
        word: "电商直播",
        weight: 1.0,
        trades: &[t("4-01-06-02", 5, 5)],
    },
];

/// The occupation code of a trade.
pub fn code(trade: &Trade) -> OccupationCode {
    OccupationCode::parse(trade.code).expect("static occupation code")
}

/// Its name in the 大典.
pub fn name(code: &OccupationCode) -> &'static str {
    domain::occupation::catalogue()
        .name(code)
        .unwrap_or("未知职业")
}

/// The levels of a trade, from the lowest (5) up.
pub fn levels(trade: &Trade) -> Vec<Level> {
    (trade.high..=trade.low)
        .rev()
        .map(|n| Level::new(n).expect("1..5"))
        .collect()
}

/// Other occupations of the same 小类 (`D-DD-DD`) in the catalogue: a prior
/// certificate in one of them counts as related.
pub fn group_mates(code: &OccupationCode) -> Vec<OccupationCode> {
    let group = code.group();
    domain::occupation::catalogue()
        .occupations()
        .iter()
        .filter(|o| o.code.work_type().is_none() && o.code.group() == group && o.code != *code)
        .map(|o| o.code)
        .collect()
}

/// The province's 考核规范 rows for every trade the generator uses: they restate the
/// national norms (theory ≥ 90 min, one proctor per 15; skill ≥ 120 min, one
/// examiner per 5; review for levels 2 and 1 ≥ 60 min; pass mark 60), so honest
/// activities meet them and the subject lists stay the national ones.
pub fn standards() -> Vec<domain::model::Standard> {
    use domain::enums::Subject;
    use domain::model::Standard;
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for track in INDUSTRIES.iter().chain(SCHOOL_TRACKS).chain(SPECIAL_TRACKS) {
        for trade in track.trades {
            for level in levels(trade) {
                let occ = code(trade);
                if !seen.insert((occ, level)) {
                    continue;
                }
                let row =
                    |subject, min: u32, proctor: Option<u32>, examiner: Option<u32>| Standard {
                        occupation_code: occ,
                        level,
                        subject,
                        min_minutes: Some(min),
                        weight: None,
                        pass_mark: Some(domain::Score::from_tenths(600)),
                        proctor_ratio: proctor,
                        examiner_ratio: examiner,
                    };
                out.push(row(Subject::Theory, 90, Some(15), None));
                out.push(row(Subject::Skill, 120, None, Some(5)));
                if level.number() <= 2 {
                    out.push(row(Subject::Review, 60, None, None));
                }
            }
        }
    }
    out.sort_by(|a, b| {
        (a.occupation_code, std::cmp::Reverse(a.level), a.subject).cmp(&(
            b.occupation_code,
            std::cmp::Reverse(b.level),
            b.subject,
        ))
    });
    out
}
