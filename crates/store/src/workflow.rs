//! Recording a workflow's [`Outcome`] (see [`domain::workflow`]): in the
//! caller's transaction, the effects it undoes (newest first, each marked rolled
//! back), the records it adds to the subject's tables, the effects it applies
//! (each written to the workflow's effects table with its before and after), the
//! subject saved, and the entries appended to its file — with the ids of what
//! was written and the effects applied or undone added to the entry, so the file
//! says exactly what the move did.
//!
//! A workflow plugs in with one [`Subject`] impl: its tables, how its subject is
//! saved, and how each of its records and effects is written. The case
//! (`crate::cases`) is the worked example.

use crate::error::Result;
use crate::tx::Writer;
use crate::value::{Value, row_struct, select};
use chrono::NaiveDateTime;
use domain::workflow::{Effect as _, Outcome, Workflow};
use serde_json::{Value as Json, json};

row_struct! {
    /// One change an outcome applied (or undid), as its effects table keeps it.
    #[derive(Debug, Clone, PartialEq)]
    pub struct StoredEffect in "effects" {
        pub effect_id: i64 = "effect_id",
        /// `institution_status`, `certificate_status`, `candidate_bar`, … (the
        /// workflow's effect kinds).
        pub kind: String = "kind",
        /// The row changed: its key, or the id of the row added.
        pub target: String = "target",
        pub before: Option<Json> = "before",
        pub after: Option<Json> = "after",
        pub applied_at: NaiveDateTime = "applied_at",
        pub rolled_back_at: Option<NaiveDateTime> = "rolled_back_at",
    }
}

/// What [`record_outcome`] wrote besides the subject and its entries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    /// The effects applied, with their ids.
    pub effects: Vec<StoredEffect>,
    /// The earlier effects undone (now marked rolled back).
    pub undone: Vec<StoredEffect>,
    /// The ids of the records added (`recusal_id`, `statement_id`, …).
    pub ids: Vec<(&'static str, i64)>,
}

impl Applied {
    /// The id a record of `key` got.
    pub fn id(&self, key: &str) -> Option<i64> {
        self.ids.iter().find(|(k, _)| *k == key).map(|(_, id)| *id)
    }
}

/// A workflow's subject as the store keeps it.
pub(crate) trait Subject: Workflow {
    /// The table of its file (处理档案): `({KEY}, at, by_user, action, reason,
    /// before, after)`.
    const EVENTS: &'static str;
    /// The table of its effects: `(effect_id, {KEY}, kind, target, before, after,
    /// applied_at, rolled_back_at)`.
    const EFFECTS: &'static str;
    /// The column naming the subject in both.
    const KEY: &'static str;

    /// The subject's id.
    fn key(&self) -> i64;
    /// The stored code of an action of its file.
    fn code(action: Self::Action) -> &'static str;
    /// Writes the subject's row.
    async fn save<W: Writer>(&self, w: &mut W, now: NaiveDateTime) -> Result<()>;
    /// Writes one record; returns the name and id of the row added, if any.
    async fn write<W: Writer>(
        &self,
        w: &mut W,
        record: &Self::Record,
        now: NaiveDateTime,
        by: &str,
    ) -> Result<Option<(&'static str, i64)>>;
    /// Applies one effect; returns the id of the row it added, if any.
    async fn apply<W: Writer>(
        &self,
        w: &mut W,
        effect: &Self::Effect,
        now: NaiveDateTime,
        by: &str,
    ) -> Result<Option<i64>>;
}

fn text(s: impl Into<String>) -> Value<'static> {
    Value::Text(s.into().into())
}

fn opt_json(j: &Option<Json>) -> Value<'static> {
    j.as_ref().map_or(Value::Null, |j| text(j.to_string()))
}

fn effects_json(e: &[StoredEffect]) -> Json {
    Json::Array(
        e.iter()
            .map(|e| json!({"effect_id": e.effect_id, "kind": e.kind, "target": e.target, "before": e.before, "after": e.after}))
            .collect(),
    )
}

/// Records `outcome` in the caller's transaction (see the module doc).
pub(crate) async fn record_outcome<S: Subject, W: Writer>(
    w: &mut W,
    outcome: &Outcome<S>,
    now: NaiveDateTime,
    by: &str,
) -> Result<Applied> {
    let subject = &outcome.subject;
    let id = Value::Int(subject.key());
    let mut applied = Applied::default();
    for u in &outcome.undo {
        subject.apply(w, &u.inverse, now, by).await?;
        w.execute(
            format!(
                "UPDATE {} SET rolled_back_at = $1 WHERE effect_id = $2 AND {} = $3",
                S::EFFECTS,
                S::KEY
            ),
            &[Value::DateTime(now), Value::Int(u.effect_id), id.clone()],
        )
        .await?;
        applied.undone.extend(
            w.fetch_as::<StoredEffect>(
                format!(
                    "SELECT {} FROM {} WHERE effect_id = $1",
                    select::<StoredEffect>(),
                    S::EFFECTS
                ),
                &[Value::Int(u.effect_id)],
            )
            .await?,
        );
    }
    for r in &outcome.records {
        if let Some(written) = subject.write(w, r, now, by).await? {
            applied.ids.push(written);
        }
    }
    for e in &outcome.effects {
        let added = subject.apply(w, e, now, by).await?;
        let mut r = e.record();
        if let Some(row) = added {
            r.target = row.to_string();
        }
        let effect_id = w
            .insert_returning(
                &format!(
                    "INSERT INTO {} ({}, kind, target, before, after, applied_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING effect_id",
                    S::EFFECTS,
                    S::KEY
                ),
                &[
                    id.clone(),
                    text(r.kind.clone()),
                    text(r.target.clone()),
                    opt_json(&r.before),
                    opt_json(&r.after),
                    Value::DateTime(now),
                ],
            )
            .await?;
        applied.effects.push(StoredEffect {
            effect_id,
            kind: r.kind,
            target: r.target,
            before: r.before,
            after: r.after,
            applied_at: now,
            rolled_back_at: None,
        });
    }
    subject.save(w, now).await?;
    for (i, entry) in outcome.entries.iter().enumerate() {
        let mut after = entry.after.clone();
        if i == 0 {
            let mut extra = serde_json::Map::new();
            for (k, v) in &applied.ids {
                extra.insert((*k).to_string(), json!(v));
            }
            if !applied.effects.is_empty() {
                extra.insert("effects".into(), effects_json(&applied.effects));
            }
            if !applied.undone.is_empty() {
                extra.insert("rolled_back".into(), effects_json(&applied.undone));
            }
            if !extra.is_empty() {
                match &mut after {
                    Some(Json::Object(m)) => m.extend(extra),
                    _ => after = Some(Json::Object(extra)),
                }
            }
        }
        append_entry(
            w,
            S::EVENTS,
            S::KEY,
            subject.key(),
            now,
            by,
            S::code(entry.action),
            entry.reason.as_deref(),
            &entry.before,
            &after,
        )
        .await?;
    }
    Ok(applied)
}

/// Appends one entry to a subject's file.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn append_entry<W: Writer>(
    w: &mut W,
    table: &str,
    key: &str,
    id: i64,
    now: NaiveDateTime,
    by: &str,
    action: &str,
    reason: Option<&str>,
    before: &Option<Json>,
    after: &Option<Json>,
) -> Result<()> {
    w.execute(
        format!(
            "INSERT INTO {table} ({key}, at, by_user, action, reason, before, after) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ),
        &[
            Value::Int(id),
            Value::DateTime(now),
            text(by),
            text(action),
            reason.map_or(Value::Null, text),
            opt_json(before),
            opt_json(after),
        ],
    )
    .await?;
    Ok(())
}
