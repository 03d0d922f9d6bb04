//! 不开展评价工作: guide item 6 or 13 by rulebook (national: 12 months → item 13).

use crate::context::Ctx;
use crate::engine::Rule;
use crate::finding::{Classification, Hit, inst_subject};
use chrono::Datelike;
use domain::Date;
use domain::enums::RegistrationStatus;
use domain::finding::FindingKind as K;
use domain::model::Table;
use rayon::prelude::*;
use serde_json::json;

pub const RULES: &[Rule] = &[Rule {
    id: "activity.inactivity",
    kinds: &[K::Inactive],
    needs: &[Table::Institutions, Table::Batches],
    regulation: "指引第6项：一年内无正当理由不开展评价工作（第十三条(三)）；第13项：一年(含)以上不开展评价工作（第十四条(七)）。湖北省机构管理办法 第二十一条：评价机构在备案有效期内，一年内无正当理由不开展评价工作的，经人社部门公示后取消备案资质。山西省评估通知 四(一)1：对自备案以来连续两年未开展职业技能等级评价工作的，原则上全部清退。",
    run: inactivity,
}];

/// Whole calendar months from `a` to `b` (0 if `b` is not after `a`).
pub fn months_between(a: Date, b: Date) -> u32 {
    if b <= a {
        return 0;
    }
    let m = (b.year() - a.year()) * 12 + b.month() as i32
        - a.month() as i32
        - i32::from(b.day() < a.day());
    m.max(0) as u32
}

/// 长期不开展评价工作: the longest stretch without any activity while registered
/// (from the later of registration and the screened window's start, to the earliest
/// of the as-of date, the end of the registration term and a suspension or
/// termination), classified by the rulebook's inactivity tiers.
///
/// 指引第13项 / 第十四条(七)：“一年(含)以上不开展评价工作。” 第6项 / 第十三条(三)：“一年内
/// 无正当理由不开展评价活动的。”
pub fn inactivity(ctx: &Ctx) -> Vec<Hit> {
    let book = ctx.rulebook;
    let threshold = book.inactivity_threshold();
    ctx.t
        .institutions
        .par_iter()
        .filter_map(|inst| {
            let from = inst.registered_on.max(ctx.window_from);
            let mut to = ctx.as_of.min(inst.expires_on);
            if inst.status != RegistrationStatus::Active {
                to = to.min(inst.status_since?);
            }
            if to <= from {
                return None;
            }
            let mut spans: Vec<(Date, Date)> = ctx
                .ix
                .batches_of
                .get(&inst.institution_id)
                .into_iter()
                .flatten()
                .map(|&i| {
                    let b = &ctx.t.batches[i as usize];
                    (b.start_at.date(), b.end_at.date())
                })
                .collect();
            spans.sort();
            let mut last = from;
            let mut gaps = Vec::new();
            for (s, e) in spans {
                if s > last {
                    gaps.push((last, s.min(to)));
                }
                last = last.max(e);
            }
            if to > last {
                gaps.push((last, to));
            }
            let (a, b) = gaps
                .into_iter()
                .filter(|(a, b)| a < b)
                .max_by_key(|(a, b)| (months_between(*a, *b), *b - *a))?;
            let months = months_between(a, b);
            if months < threshold {
                return None;
            }
            let tier = book.inactivity_tier(months)?;
            let ongoing = b == to;
            let mut hit = Hit::new(
                K::Inactive,
                inst_subject(&inst.institution_id),
                format!(
                    "机构 {} 在备案期间自 {} 至 {}{} 共 {} 个月未开展评价活动（备案有效期 {} 至 {}）",
                    inst.institution_id,
                    a,
                    b,
                    if ongoing { "（截至数据日期）" } else { "" },
                    months,
                    inst.registered_on,
                    inst.expires_on
                ),
                json!({"from": a.to_string(), "to": b.to_string(), "months": months,
                       "threshold_months": tier.months, "ongoing": ongoing,
                       "registered_on": inst.registered_on.to_string(),
                       "expires_on": inst.expires_on.to_string()}),
            );
            hit.class = Some(Classification {
                item: tier.item,
                severity: tier.severity,
                disposition: tier.disposition,
                basis: tier.basis.clone(),
            });
            Some(hit)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_months() {
        let d = |y, m, d| Date::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(months_between(d(2023, 1, 15), d(2024, 1, 15)), 12);
        assert_eq!(months_between(d(2023, 1, 15), d(2024, 1, 14)), 11);
        assert_eq!(months_between(d(2024, 1, 31), d(2024, 2, 29)), 0);
        assert_eq!(months_between(d(2024, 3, 1), d(2024, 1, 1)), 0);
    }
}
