//! 考评人员与质量督导: guide item 4.

use crate::context::{BatchView, Ctx};
use crate::engine::Rule;
use crate::finding::{Hit, batch_subject, occ_level, staff_subject};
use domain::Date;
use domain::enums::{Duty, PersonRole, Subject};
use domain::finding::FindingKind as K;
use domain::ids::PersonId;
use domain::model::{Batch, Person, Table};
use rayon::prelude::*;
use serde_json::json;

pub const RULES: &[Rule] = &[
    Rule {
        id: "staff.examiners",
        kinds: &[
            K::ExaminerUnregistered,
            K::ExaminerExpired,
            K::ExaminerUnqualified,
            K::ExaminerOtherInstitution,
        ],
        needs: &[Table::Batches, Table::BatchStaff, Table::Personnel],
        regulation: "指引第4项：1.未按评价方案或国标要求使用考评员，或使用未经备案的考评员。",
        run: examiners,
    },
    Rule {
        id: "staff.double_booking",
        kinds: &[K::ExaminerDoubleBooked],
        needs: &[Table::Batches, Table::BatchStaff],
        regulation: "指引第4项：1.未按评价方案或国标要求使用考评员。湖北省规程 第九条(二)：……考场原始记录及其他有关材料……弄虚作假的。",
        run: double_booking,
    },
    Rule {
        id: "staff.ratios",
        kinds: &[K::TooFewExaminers, K::EvenExaminers, K::TooFewProctors],
        needs: &[
            Table::Batches,
            Table::Sessions,
            Table::BatchStaff,
            Table::Enrollments,
        ],
        regulation: "指引第4项：1.未按评价方案或国标要求使用考评员。湖北省规程 第十二条(二)：未严格按规定提供考场和配备工作人员……。国家默认规范：理论至少2名监考且每15人1名；技能至少3名考评员、奇数、每5人1名；综合评审至少3名考评员、奇数。",
        run: ratios,
    },
    Rule {
        id: "supervision.internal",
        kinds: &[K::NoInternalSupervisor, K::NoSupervisionRecord],
        needs: &[Table::Batches],
        regulation: "指引第4项：2.未委派内部督导员，或使用未经备案的内部督导员；虽委派内部督导员但内部督导记录缺失。青海省质量督导工作规程 第十七条：质量督导员应在日常督导工作结束后2个工作日向委派机构提交督导情况记录表。",
        run: supervision,
    },
];

/// Distinct persons of the activity's staff, with their (subject, duty) rows.
fn people<'a>(v: &BatchView<'a>) -> Vec<(&'a PersonId, Vec<(Subject, Duty)>)> {
    let mut rows: Vec<(&PersonId, Subject, Duty)> = v
        .staff
        .iter()
        .map(|s| (&s.person_id, s.subject, s.duty))
        .collect();
    rows.sort();
    rows.dedup();
    let mut out: Vec<(&PersonId, Vec<(Subject, Duty)>)> = Vec::new();
    for (p, s, d) in rows {
        match out.last_mut() {
            Some((q, v)) if *q == p => v.push((s, d)),
            _ => out.push((p, vec![(s, d)])),
        }
    }
    out
}

fn duties_json(d: &[(Subject, Duty)]) -> serde_json::Value {
    json!(
        d.iter()
            .map(|(s, d)| format!("{}:{}", s.code(), d.code()))
            .collect::<Vec<_>>()
    )
}

fn duties_zh(d: &[(Subject, Duty)]) -> String {
    d.iter()
        .map(|(s, d)| format!("{}{}", s.zh(), d.zh()))
        .collect::<Vec<_>>()
        .join("、")
}

/// Why `p` may not evaluate this activity's occupation and level, if so.
fn unqualified(p: &Person, b: &Batch) -> Option<String> {
    match (p.occupation_code, p.max_level) {
        (Some(o), _) if o.occupation() != b.occupation_code.occupation() => Some(format!(
            "考评职业为 {o}，与评价职业 {} 不符",
            b.occupation_code
        )),
        (Some(_), Some(l)) if !b.level.at_most(l) => Some(format!(
            "最高考评等级为{}，低于评价等级{}",
            l.grade_name(),
            b.level.grade_name()
        )),
        (Some(_), Some(_)) => None,
        _ => Some("未登记考评职业或等级".into()),
    }
}

/// 使用未经备案、证卡过期、职业等级不符或其他机构的考评员 (item 4). Everyone in the
/// activity's staff plan (examiners, proctors, graders: 考评人员) must be a registered
/// examiner of the institution, valid over the activity; those who examine or grade
/// must be qualified for its occupation and level.
///
/// 指引第4项：“1.未按评价方案或国标要求使用考评员，或使用未经备案的考评员。”
pub fn examiners(ctx: &Ctx) -> Vec<Hit> {
    ctx.per_batch(|v: &BatchView| {
        let b = v.batch;
        let (from, to) = (b.start_at.date(), b.end_at.date());
        let mut out = Vec::new();
        for (pid, duties) in people(v) {
            let subject = || staff_subject(b, pid);
            let what = duties_zh(&duties);
            let p = match ctx.ds.person(pid) {
                Some(p) if p.role == PersonRole::Examiner => p,
                other => {
                    let why = match other {
                        Some(p) => format!("登记角色为{}，非考评员", p.role.zh()),
                        None => "不在考评人员名录中".into(),
                    };
                    out.push(Hit::new(
                        K::ExaminerUnregistered,
                        subject(),
                        format!("批次 {} 使用未经备案的考评员 {}（{}）：{}", b.batch_id, pid, what, why),
                        json!({"person_id": pid.to_string(), "duties": duties_json(&duties),
                               "role": other.map(|p| p.role.code())}),
                    ));
                    continue;
                }
            };
            let expired = p.valid_from.is_some_and(|f| f > from) || p.valid_to.is_some_and(|t| t < to);
            if expired {
                out.push(Hit::new(
                    K::ExaminerExpired,
                    subject(),
                    format!(
                        "批次 {}（{} 至 {}）考评员 {} {} 的证卡有效期为 {} 至 {}，不覆盖评价活动",
                        b.batch_id,
                        from,
                        to,
                        pid,
                        p.name,
                        p.valid_from.map_or("—".into(), |d| d.to_string()),
                        p.valid_to.map_or("—".into(), |d| d.to_string())
                    ),
                    json!({"person_id": pid.to_string(),
                           "valid_from": p.valid_from.map(|d| d.to_string()),
                           "valid_to": p.valid_to.map(|d| d.to_string()),
                           "activity_from": from.to_string(), "activity_to": to.to_string()}),
                ));
            }
            if !expired && let Some(s) = ctx.suspension(pid.as_str(), from, to) {
                out.push(Hit::new(
                    K::ExaminerExpired,
                    subject(),
                    format!(
                        "批次 {}（{} 至 {}）考评员 {} {} 于 {} 至 {} {}，不得参加评价活动",
                        b.batch_id, from, to, pid, p.name, s.from, s.until, s.decision
                    ),
                    json!({"person_id": pid.to_string(),
                           "suspended_from": s.from.to_string(),
                           "suspended_until": s.until.to_string(),
                           "decision": s.decision,
                           "activity_from": from.to_string(), "activity_to": to.to_string()}),
                ));
            }
            let evaluates = duties
                .iter()
                .any(|(_, d)| matches!(d, Duty::Examiner | Duty::Grader));
            if evaluates && let Some(why) = unqualified(p, b) {
                out.push(Hit::new(
                    K::ExaminerUnqualified,
                    subject(),
                    format!(
                        "批次 {}（{}）考评员 {} {} {}",
                        b.batch_id,
                        occ_level(&b.occupation_code, b.level),
                        pid,
                        p.name,
                        why
                    ),
                    json!({"person_id": pid.to_string(),
                           "examiner_occupation_code": p.occupation_code.map(|o| o.to_string()),
                           "examiner_max_level": p.max_level.map(|l| l.number()),
                           "occupation_code": b.occupation_code.to_string(),
                           "level": b.level.number()}),
                ));
            }
            if p.institution_id.as_ref() != Some(&b.institution_id) {
                out.push(Hit::new(
                    K::ExaminerOtherInstitution,
                    subject(),
                    format!(
                        "批次 {} 使用其他机构的考评员 {} {}（所属机构 {}）",
                        b.batch_id,
                        pid,
                        p.name,
                        p.institution_id.as_ref().map_or("无", |i| i.as_str())
                    ),
                    json!({"person_id": pid.to_string(),
                           "person_institution_id": p.institution_id.as_ref().map(|i| i.to_string())}),
                ));
            }
        }
        out
    })
}

/// 考评员同时段在不同考场 (item 4): one person in the staff of two activities that
/// overlap in time at different sites (or, without sites, of different
/// institutions). Reported on the activity that started later.
///
/// 指引第4项：“1.未按评价方案或国标要求使用考评员”；一人不能同时在两地履职，考场记录失实。
pub fn double_booking(ctx: &Ctx) -> Vec<Hit> {
    let t = ctx.t;
    let mut pairs: Vec<(&PersonId, u32)> = t
        .batch_staff
        .par_iter()
        .filter_map(|s| {
            ctx.ix
                .batch_pos(&s.batch_id)
                .map(|b| (&s.person_id, b as u32))
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    let mut groups: Vec<&[(&PersonId, u32)]> = pairs.chunk_by(|a, b| a.0 == b.0).collect();
    groups.retain(|g| g.len() > 1);
    groups
        .par_iter()
        .flat_map_iter(|g| {
            let person = g[0].0;
            let mut bs: Vec<&Batch> = g.iter().map(|(_, i)| &t.batches[*i as usize]).collect();
            bs.sort_by(|a, b| (a.start_at, &a.batch_id).cmp(&(b.start_at, &b.batch_id)));
            let mut out = Vec::new();
            let mut active: Vec<&Batch> = Vec::new();
            for b in bs {
                active.retain(|a| a.end_at > b.start_at);
                let clash = active.iter().find(|a| {
                    a.start_at < b.end_at
                        && match (&a.site_id, &b.site_id) {
                            (Some(x), Some(y)) => x != y,
                            _ => a.institution_id != b.institution_id,
                        }
                });
                if let Some(a) = clash {
                    out.push(Hit::new(
                        K::ExaminerDoubleBooked,
                        staff_subject(b, person),
                        format!(
                            "考评员 {} 同时段安排在两个评价活动：批次 {}（{}，{} 至 {}）与批次 {}（{}，{} 至 {}）",
                            person,
                            a.batch_id,
                            a.site_id.as_ref().map_or("场所未登记", |s| s.as_str()),
                            super::dt(&a.start_at),
                            super::dt(&a.end_at),
                            b.batch_id,
                            b.site_id.as_ref().map_or("场所未登记", |s| s.as_str()),
                            super::dt(&b.start_at),
                            super::dt(&b.end_at)
                        ),
                        json!({"person_id": person.to_string(),
                               "other_batch_id": a.batch_id.to_string(),
                               "other_site_id": a.site_id.as_ref().map(|s| s.to_string()),
                               "site_id": b.site_id.as_ref().map(|s| s.to_string()),
                               "other_start_at": super::dt(&a.start_at), "other_end_at": super::dt(&a.end_at),
                               "start_at": super::dt(&b.start_at), "end_at": super::dt(&b.end_at)}),
                    ));
                }
                active.push(b);
            }
            out
        })
        .collect()
}

/// 考评员、监考人员配备不足或考评员非奇数 (item 4), per session subject held, for the
/// activity's number of candidates, against the norms in force.
///
/// 湖北省规程第十二条(二)：“未严格按规定提供考场和配备工作人员……”；国家默认规范见
/// ../shared/spec/dataset.md standards.
pub fn ratios(ctx: &Ctx) -> Vec<Hit> {
    ctx.per_batch(|v: &BatchView| {
        let b = v.batch;
        let n = v.enrollments.len();
        if n == 0 {
            return Vec::new();
        }
        let count = |subject: Subject, duty: Duty| {
            let mut p: Vec<&PersonId> = v
                .staff
                .iter()
                .filter(|s| s.subject == subject && s.duty == duty)
                .map(|s| &s.person_id)
                .collect();
            p.sort();
            p.dedup();
            p.len()
        };
        let (mut few, mut even, mut proctors) = (Vec::new(), Vec::new(), Vec::new());
        for subject in v.session_subjects() {
            let need = ctx.norms.staffing(&b.occupation_code, b.level, subject, n);
            let ex = count(subject, Duty::Examiner);
            if let Some(min) = need.min_examiners {
                if ex < min {
                    few.push((subject, ex, min));
                } else if need.odd_examiners && ex % 2 == 0 {
                    even.push((subject, ex));
                }
            }
            if let Some(min) = need.min_proctors {
                let pr = count(subject, Duty::Proctor);
                if pr < min {
                    proctors.push((subject, pr, min));
                }
            }
        }
        let mut out = Vec::new();
        if !few.is_empty() {
            let text: Vec<String> = few
                .iter()
                .map(|(s, have, min)| format!("{}考评员 {} 名，应至少 {} 名", s.zh(), have, min))
                .collect();
            out.push(Hit::new(
                K::TooFewExaminers,
                batch_subject(b),
                format!("批次 {} 共 {} 名考生，{}", b.batch_id, n, text.join("；")),
                json!({"candidates": n, "subjects": few.iter().map(|(s, h, m)| json!({
                    "subject": s.code(), "examiners": h, "required": m})).collect::<Vec<_>>()}),
            ));
        }
        if !even.is_empty() {
            let text: Vec<String> = even
                .iter()
                .map(|(s, have)| format!("{}考评员 {} 名", s.zh(), have))
                .collect();
            out.push(Hit::new(
                K::EvenExaminers,
                batch_subject(b),
                format!("批次 {} {}，应为奇数", b.batch_id, text.join("；")),
                json!({"subjects": even.iter().map(|(s, h)| json!({
                    "subject": s.code(), "examiners": h})).collect::<Vec<_>>()}),
            ));
        }
        if !proctors.is_empty() {
            let text: Vec<String> = proctors
                .iter()
                .map(|(s, have, min)| format!("{}监考 {} 名，应至少 {} 名", s.zh(), have, min))
                .collect();
            out.push(Hit::new(
                K::TooFewProctors,
                batch_subject(b),
                format!("批次 {} 共 {} 名考生，{}", b.batch_id, n, text.join("；")),
                json!({"candidates": n, "subjects": proctors.iter().map(|(s, h, m)| json!({
                    "subject": s.code(), "proctors": h, "required": m})).collect::<Vec<_>>()}),
            ));
        }
        out
    })
}

/// 未委派内部督导员或督导记录缺失 (item 4): no internal supervisor, one who is not a
/// registered internal supervisor of the institution valid over the activity (when
/// the personnel register is present), or no supervision record once the activity
/// is due: when the activity is over, or where the rulebook's document sets a
/// deadline, that many working days after it by the statutory calendar.
///
/// 青海 第十七条：“质量督导员应在日常督导工作结束后2个工作日向委派机构提交督导情况
/// 记录表”: an activity ending 2025-09-30 (before the National Day holiday of
/// 10-01..10-08) has its record due 2025-10-10, and only a record still missing when
/// the data's date is past that day is a finding. No other document sets a
/// deadline (the national default: due the day the activity ends).
///
/// 指引第4项：“2.未委派内部督导员，或使用未经备案的内部督导员；虽委派内部督导员但内部督导
/// 记录缺失。”
pub fn supervision(ctx: &Ctx) -> Vec<Hit> {
    let check_register = ctx.has(Table::Personnel);
    ctx.t
        .batches
        .par_iter()
        .filter_map(|b| {
            let Some(pid) = &b.internal_supervisor_id else {
                return Some(Hit::new(
                    K::NoInternalSupervisor,
                    batch_subject(b),
                    format!("批次 {} 未委派内部质量督导员", b.batch_id),
                    json!({"internal_supervisor_id": null}),
                ));
            };
            if check_register {
                let why = match ctx.ds.person(pid) {
                    None => Some("不在人员名录中".to_string()),
                    Some(p) if p.role != PersonRole::InternalSupervisor => {
                        Some(format!("登记角色为{}", p.role.zh()))
                    }
                    Some(p) if p.institution_id.as_ref() != Some(&b.institution_id) => {
                        Some("为其他机构的内督员".to_string())
                    }
                    Some(p)
                        if p.valid_from.is_some_and(|f| f > b.start_at.date())
                            || p.valid_to.is_some_and(|t| t < b.end_at.date()) =>
                    {
                        Some("证卡不在有效期内".to_string())
                    }
                    Some(_) => ctx
                        .suspension(pid.as_str(), b.start_at.date(), b.end_at.date())
                        .map(|s| format!("于 {} 至 {} {}", s.from, s.until, s.decision)),
                };
                if let Some(why) = why {
                    return Some(Hit::new(
                        K::NoInternalSupervisor,
                        batch_subject(b),
                        format!(
                            "批次 {} 使用未经备案的内部督导员 {}：{}",
                            b.batch_id, pid, why
                        ),
                        json!({"internal_supervisor_id": pid.to_string(), "reason": why}),
                    ));
                }
            }
            let end = b.end_at.date();
            let due = match &ctx.rulebook.policy.supervision_record {
                // Refused only past 9999-12-31: then it is never due.
                Some(d) => ctx
                    .calendar
                    .add(end, d.working_days)
                    .map_or(Date::MAX, |r| r.date),
                None => end,
            };
            // Overdue once the data's date is past the due day.
            (b.supervision_record_at.is_none() && due < ctx.as_of).then(|| {
                Hit::new(
                    K::NoSupervisionRecord,
                    batch_subject(b),
                    format!(
                        "批次 {} 已于 {} 结束，内部督导员 {} 未提交督导记录",
                        b.batch_id,
                        b.end_at.date(),
                        pid
                    ),
                    json!({"internal_supervisor_id": pid.to_string(),
                           "end_on": end.to_string(), "due_on": due.to_string()}),
                )
            })
        })
        .collect()
}
