//! 阅卷评分、成绩汇总、成绩录入: guide item 4. One finding per application per rule.

use crate::context::{BatchView, Ctx, Scored};
use crate::engine::Rule;
use crate::finding::{Hit, enrollment_subject, orphan_subject};
use domain::enums::{Duty, Outcome, Subject};
use domain::finding::FindingKind as K;
use domain::ids::{BatchId, PersonId};
use domain::model::Table;
use domain::{IdNumber, Score};
use serde_json::json;

pub const RULES: &[Rule] = &[
    Rule {
        id: "scores.result_consistency",
        kinds: &[K::ResultContradictsScores],
        needs: &[
            Table::Batches,
            Table::Enrollments,
            Table::Scores,
            Table::Results,
        ],
        regulation: "指引第4项：5.阅卷评分、成绩汇总、成绩录入存在错误。",
        run: result_consistency,
    },
    Rule {
        id: "scores.range",
        kinds: &[K::ScoreOutOfRange],
        needs: &[Table::Batches, Table::Enrollments, Table::Scores],
        regulation: "指引第4项：5.阅卷评分、成绩汇总、成绩录入存在错误。国家默认规范：各科目均为百分制。",
        run: range,
    },
    Rule {
        id: "scores.graders",
        kinds: &[K::UnassignedGrader],
        needs: &[
            Table::Batches,
            Table::Enrollments,
            Table::Scores,
            Table::BatchStaff,
        ],
        regulation: "指引第4项：5.阅卷评分、成绩汇总、成绩录入存在错误。湖北省规程 第九条(二)：……违规涂改参评人员……评价成绩……或在上述材料中弄虚作假的。",
        run: graders,
    },
    Rule {
        id: "scores.enrollment",
        kinds: &[K::ScoreWithoutEnrollment],
        needs: &[Table::Enrollments, Table::Scores],
        regulation: "指引第4项：5.阅卷评分、成绩汇总、成绩录入存在错误。指引第12项：证书数据造假。",
        run: enrollment,
    },
];

fn score_list(scores: &[Scored]) -> String {
    scores
        .iter()
        .map(|s| format!("{} {}", s.subject.zh(), s.score))
        .collect::<Vec<_>>()
        .join("，")
}

fn scores_json(scores: &[Scored]) -> serde_json::Value {
    json!(
        scores
            .iter()
            .map(|s| json!({"subject": s.subject.code(), "score": s.score}))
            .collect::<Vec<_>>()
    )
}

/// 评价结果与成绩矛盾 (item 4): a pass with a subject under its pass mark, or a fail
/// with every subject of the activity passed. Out-of-range scores are left to
/// [`range`].
///
/// 指引第4项：“5.阅卷评分、成绩汇总、成绩录入存在错误。”
pub fn result_consistency(ctx: &Ctx) -> Vec<Hit> {
    ctx.per_batch(|v: &BatchView| {
        let b = v.batch;
        let mut subjects = v.session_subjects();
        if subjects.is_empty() {
            subjects = ctx.norms.subjects(&b.occupation_code, b.level);
        }
        let pass = |s: Subject| ctx.norms.pass_mark(&b.occupation_code, b.level, s);
        let mut out = Vec::new();
        for e in &v.enrollments {
            let Some(r) = v.result_of(&e.candidate_id) else {
                continue;
            };
            let scores: Vec<Scored> = v
                .scores_of(&e.candidate_id)
                .iter()
                .copied()
                .filter(|s| s.score.in_range())
                .collect();
            let contradiction = match r.result {
                Outcome::Pass => scores.iter().find(|s| s.score < pass(s.subject)).map(|s| {
                    format!(
                        "{}成绩 {} 低于合格线 {}，评价结果却为合格",
                        s.subject.zh(),
                        s.score,
                        pass(s.subject)
                    )
                }),
                Outcome::Fail => subjects
                    .iter()
                    .all(|sub| {
                        scores
                            .iter()
                            .any(|s| s.subject == *sub && s.score >= pass(*sub))
                    })
                    .then(|| "各科目成绩均达到合格线，评价结果却为不合格".to_string()),
                Outcome::Absent => None,
            };
            if let Some(text) = contradiction {
                out.push(Hit::new(
                    K::ResultContradictsScores,
                    enrollment_subject(b, &e.candidate_id),
                    format!(
                        "批次 {} 考生 {}（{}）{}",
                        b.batch_id,
                        e.candidate_id.masked(),
                        score_list(&scores),
                        text
                    ),
                    json!({"result": r.result.code(), "scores": scores_json(&scores)}),
                ));
            }
        }
        out
    })
}

/// 成绩超出范围 (item 4): a subject score outside 0..100.
///
/// 指引第4项：“5.阅卷评分、成绩汇总、成绩录入存在错误。”
pub fn range(ctx: &Ctx) -> Vec<Hit> {
    ctx.per_batch(|v: &BatchView| {
        let b = v.batch;
        let mut out = Vec::new();
        for e in &v.enrollments {
            let bad: Vec<Scored> = v
                .scores_of(&e.candidate_id)
                .iter()
                .copied()
                .filter(|s| !s.score.in_range())
                .collect();
            if !bad.is_empty() {
                out.push(Hit::new(
                    K::ScoreOutOfRange,
                    enrollment_subject(b, &e.candidate_id),
                    format!(
                        "批次 {} 考生 {} 成绩超出 0～100 分：{}",
                        b.batch_id,
                        e.candidate_id.masked(),
                        score_list(&bad)
                    ),
                    json!({"scores": scores_json(&bad)}),
                ));
            }
        }
        out
    })
}

/// 非指派人员评分 (item 4): a score recorded by someone who is not assigned to grade
/// or examine that subject of the activity.
///
/// 指引第4项：“5.阅卷评分、成绩汇总、成绩录入存在错误。”
pub fn graders(ctx: &Ctx) -> Vec<Hit> {
    ctx.per_batch(|v: &BatchView| {
        let b = v.batch;
        let mut assigned: Vec<(Subject, &PersonId)> = v
            .staff
            .iter()
            .filter(|s| matches!(s.duty, Duty::Grader | Duty::Examiner))
            .map(|s| (s.subject, &s.person_id))
            .collect();
        assigned.sort();
        let mut out = Vec::new();
        for e in &v.enrollments {
            let bad: Vec<Scored> = v
                .scores_of(&e.candidate_id)
                .iter()
                .copied()
                .filter(|s| {
                    s.graded_by
                        .as_ref()
                        .is_some_and(|g| assigned.binary_search(&(s.subject, g)).is_err())
                })
                .collect();
            if bad.is_empty() {
                continue;
            }
            let text: Vec<String> = bad
                .iter()
                .map(|s| format!("{}由 {} 评分", s.subject.zh(), s.graded_by.as_ref().expect("some")))
                .collect();
            out.push(Hit::new(
                K::UnassignedGrader,
                enrollment_subject(b, &e.candidate_id),
                format!(
                    "批次 {} 考生 {} {}，该人员未被安排该科目考评或阅卷",
                    b.batch_id,
                    e.candidate_id.masked(),
                    text.join("，")
                ),
                json!({"scores": bad.iter().map(|s| json!({"subject": s.subject.code(),
                    "graded_by": s.graded_by.as_ref().map(|g| g.to_string())})).collect::<Vec<_>>()}),
            ));
        }
        out
    })
}

/// 成绩无对应报名记录 (item 4): scores or a result for a candidate not enrolled in
/// that activity (or for an activity that does not exist).
///
/// 指引第4项：“5.阅卷评分、成绩汇总、成绩录入存在错误。”
pub fn enrollment(ctx: &Ctx) -> Vec<Hit> {
    let with_results = ctx.has(Table::Results);
    let mut out = ctx.per_batch(|v: &BatchView| {
        let b = v.batch;
        let mut ghosts: Vec<(IdNumber, Option<Score>)> = v
            .scores
            .iter()
            .map(|s| (s.candidate_id, Some(s.score)))
            .chain(
                v.results
                    .iter()
                    .filter(|_| with_results)
                    .map(|r| (r.candidate_id, None)),
            )
            .filter(|(c, _)| v.enrolled(c).is_none())
            .collect();
        ghosts.sort();
        ghosts.dedup_by_key(|g| g.0);
        ghosts
            .into_iter()
            .map(|(c, _)| {
                let scores: Vec<Scored> = v.scores_of(&c).to_vec();
                Hit::new(
                    K::ScoreWithoutEnrollment,
                    enrollment_subject(b, &c),
                    format!(
                        "批次 {} 录有考生 {} 的成绩或评价结果，但该考生未报名该批次",
                        b.batch_id,
                        c.masked()
                    ),
                    json!({"scores": scores_json(&scores),
                           "result": v.result_of(&c).map(|r| r.result.code())}),
                )
            })
            .collect()
    });
    // Scores and results of activities that do not exist at all.
    let mut orphans: Vec<(&BatchId, IdNumber)> = ctx
        .ix
        .orphan_scores
        .iter()
        .map(|&i| &ctx.t.scores[i as usize])
        .map(|s| (&s.batch_id, s.candidate_id))
        .chain(
            ctx.ix
                .orphan_results
                .iter()
                .filter(|_| with_results)
                .map(|&i| &ctx.t.results[i as usize])
                .map(|r| (&r.batch_id, r.candidate_id)),
        )
        .collect();
    orphans.sort();
    orphans.dedup();
    out.extend(orphans.into_iter().map(|(b, c)| {
        Hit::new(
            K::ScoreWithoutEnrollment,
            orphan_subject(b, &c),
            format!(
                "录有考生 {} 在批次 {} 的成绩或评价结果，但该批次不存在",
                c.masked(),
                b
            ),
            json!({"batch_exists": false}),
        )
    }));
    out
}
