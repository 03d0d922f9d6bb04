//! 虚假宣传: guide item 5. Promotional text promising a pass, or using the
//! government subsidy as bait; one finding per institution and kind.
//!
//! Matching is by phrase with two guards against the honest texts that mention the
//! same words: a phrase whose 过 begins another word (确保**过程**规范) is no
//! promise, and a phrase preceded in its clause by a negation or a warning (本机构
//! **不承诺**包过, **谨防**包过骗局, **严禁**以补贴为噱头) is not either.

use crate::context::Ctx;
use crate::engine::Rule;
use crate::finding::{Hit, inst_subject};
use domain::finding::FindingKind as K;
use domain::ids::InstitutionId;
use domain::model::{Promotion, Table};
use serde_json::json;
use std::collections::BTreeMap;

pub const RULES: &[Rule] = &[Rule {
    id: "promotion.text",
    kinds: &[K::FalseAdvertising, K::SubsidyBait],
    needs: &[Table::Promotions],
    regulation: "指引第5项：存在包过、保过等虚假宣传（第十三条(二)：评价机构利用广告或其他方法，进行评价“包过”“保过”等虚假宣传的）。湖北省机构管理办法 第十四条：不得以欺诈手段收费，不得以政府补贴为噱头诱导收费，不得将培训与评价打包收费。",
    run: promotions,
}];

/// Phrases promising a pass (包过, 保过, 不过退费, 免考拿证, 不用考试 and variants).
const PASS_PROMISES: &[&str] = &[
    "包过",
    "保过",
    "包通过",
    "保证通过",
    "确保通过",
    "承诺通过",
    "稳过",
    "必过",
    "包拿证",
    "保拿证",
    "保证拿证",
    "包你拿证",
    "包考过",
    "100%通过",
    "百分百通过",
    "百分之百通过",
    "100%拿证",
    "百分百拿证",
    "通过率100%",
    "不过退费",
    "不过退款",
    "不过全额退",
    "不过包退",
    "考不过退",
    "不通过退费",
    "不通过退款",
    "不通过全额退",
    "未通过退费",
    "免考拿证",
    "免考试",
    "免考直接",
    "免考发证",
    "不用考试",
    "无需考试",
    "不需要考试",
    "不用考",
    "不考试",
    "直接拿证",
    "直接发证",
    "花钱拿证",
    "交钱拿证",
    "躺着拿证",
    "内部渠道拿证",
];

/// Words naming the subsidy.
const SUBSIDY: &[&str] = &[
    "补贴",
    "补助",
    "政府买单",
    "国家买单",
    "政府出钱",
    "国家出钱",
];

/// Inducements that turn a mention of the subsidy into bait for fees.
const BAIT: &[&str] = &[
    "全返",
    "返还",
    "返现",
    "返费",
    "倒赚",
    "白拿",
    "稳拿",
    "包领",
    "相当于免费",
    "等于免费",
    "免费拿证",
    "免费考证",
    "不花钱",
    "0元",
    "零元",
    "一分钱",
    "政府买单",
    "国家买单",
    "先交",
    "先缴",
    "垫付",
    "补贴到手",
    "拿补贴",
    "赚补贴",
    "抵扣",
    "学费全免",
    "费用全免",
    "白领",
    "多退",
];

/// Negations and warnings that, earlier in the same clause, disarm a phrase.
const NEGATIONS: &[&str] = &[
    "不承诺",
    "不保证",
    "不会",
    "不搞",
    "不做",
    "不存在",
    "不得",
    "不以",
    "并非",
    "绝不",
    "决不",
    "从不",
    "从未",
    "拒绝",
    "杜绝",
    "严禁",
    "禁止",
    "反对",
    "打击",
    "谨防",
    "警惕",
    "提防",
    "防范",
    "识别",
    "揭露",
    "举报",
    "勿信",
    "切勿",
    "不要相信",
    "宣称",
    "声称",
    "所谓",
    "无任何",
];

/// Characters that, right after 过, make it part of another word (过程, 过往…).
const GUO_WORDS: &[char] = &[
    '程', '往', '去', '滤', '失', '错', '敏', '度', '期', '硬', '于', '量',
];

const CLAUSE_END: &[char] = &[
    '，', '。', '；', '！', '？', ',', '.', ';', '!', '?', '\n', '：', ':',
];

/// Whether the occurrence at byte `at` is disarmed by a negation earlier in its clause.
fn negated(text: &str, at: usize) -> bool {
    let before = &text[..at];
    let clause_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| CLAUSE_END.contains(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let clause = &before[clause_start..];
    NEGATIONS.iter().any(|n| clause.contains(n))
}

/// The phrases of `list` that occur in `text` as meant, not negated.
fn matches<'p>(text: &str, list: &[&'p str]) -> Vec<&'p str> {
    let mut out = Vec::new();
    for p in list {
        for (at, _) in text.match_indices(p) {
            let next = text[at + p.len()..].chars().next();
            if p.ends_with('过') && next.is_some_and(|c| GUO_WORDS.contains(&c)) {
                continue;
            }
            // "0元" is bait, "200元" is a price.
            if p.starts_with(|c: char| c.is_ascii_digit())
                && text[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_digit())
            {
                continue;
            }
            if negated(text, at) {
                continue;
            }
            out.push(*p);
            break;
        }
    }
    out
}

/// The pass promises in a promotional text.
pub fn pass_promises(text: &str) -> Vec<&'static str> {
    matches(text, PASS_PROMISES)
}

/// The subsidy bait in a promotional text: a mention of the subsidy together with an
/// inducement, neither negated.
pub fn subsidy_bait(text: &str) -> Vec<&'static str> {
    let subsidy = matches(text, SUBSIDY);
    if subsidy.is_empty() {
        return Vec::new();
    }
    let bait = matches(text, BAIT);
    if bait.is_empty() {
        return Vec::new();
    }
    let mut all = subsidy;
    all.extend(bait);
    all.sort();
    all.dedup();
    all
}

fn excerpt(text: &str) -> String {
    let t: String = text.chars().take(60).collect();
    if t.len() < text.len() {
        format!("{t}…")
    } else {
        t
    }
}

/// 包过保过虚假宣传 and 以政府补贴为噱头诱导收费 (item 5).
///
/// 指引第5项 / 第十三条(二)：“评价机构利用广告或其他方法，进行评价“包过”“保过”等虚假宣传的。”
/// 湖北省机构管理办法第十四条：“不得以政府补贴为噱头诱导收费。”
pub fn promotions(ctx: &Ctx) -> Vec<Hit> {
    type Found<'a> = BTreeMap<&'a InstitutionId, Vec<(&'a Promotion, Vec<&'static str>)>>;
    let mut pass: Found = BTreeMap::new();
    let mut bait: Found = BTreeMap::new();
    for p in &ctx.t.promotions {
        let m = pass_promises(&p.text);
        if !m.is_empty() {
            pass.entry(&p.institution_id).or_default().push((p, m));
        }
        let m = subsidy_bait(&p.text);
        if !m.is_empty() {
            bait.entry(&p.institution_id).or_default().push((p, m));
        }
    }
    let mut out = Vec::new();
    for (kind, found, what) in [
        (K::FalseAdvertising, pass, "“包过”“保过”等虚假宣传"),
        (K::SubsidyBait, bait, "以政府补贴为噱头诱导收费"),
    ] {
        for (inst, list) in found {
            let (p, m) = &list[0];
            let mut phrases: Vec<&str> = list.iter().flat_map(|(_, m)| m.iter().copied()).collect();
            phrases.sort();
            phrases.dedup();
            out.push(Hit::new(
                kind,
                inst_subject(inst),
                format!(
                    "机构 {} 的宣传材料存在{}：{} {}“{}”（含“{}”）{}",
                    inst,
                    what,
                    p.captured_on,
                    p.channel.as_deref().unwrap_or(""),
                    excerpt(&p.text),
                    m.join("”“"),
                    if list.len() > 1 { format!("等 {} 条", list.len()) } else { String::new() }
                ),
                json!({"phrases": phrases, "count": list.len(),
                       "examples": list.iter().take(5).map(|(p, m)| json!({
                           "captured_on": p.captured_on.to_string(), "channel": p.channel.as_deref(),
                           "text": p.text, "phrases": m})).collect::<Vec<_>>()}),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promises_and_near_misses() {
        for t in [
            "报名即包过，不过退费！",
            "零基础保过，三天拿证",
            "免考拿证，全国可查",
            "不用考试，直接拿证",
            "考不过退全款",
        ] {
            assert!(!pass_promises(t).is_empty(), "{t}");
        }
        for t in [
            "严格考务管理，确保过程规范、结果公正",
            "本机构不承诺包过，请考生认真备考",
            "谨防“包过”“保过”等虚假宣传，切勿轻信",
            "严禁包过保过等虚假宣传",
            "考核合格者颁发职业技能等级证书，可在全国证书查询系统查询",
        ] {
            assert!(pass_promises(t).is_empty(), "{t}: {:?}", pass_promises(t));
        }
    }

    #[test]
    fn subsidy_bait_needs_an_inducement() {
        assert!(!subsidy_bait("考证领政府补贴，学费全返，相当于免费学技能").is_empty());
        assert!(!subsidy_bait("先交培训费，拿证后领补贴倒赚500").is_empty());
        assert!(subsidy_bait("符合条件的学员可按规定申领职业技能提升补贴").is_empty());
        assert!(subsidy_bait("本机构不以政府补贴为噱头诱导收费，收费标准已公示").is_empty());
        assert!(subsidy_bait("收费标准：报名费200元；符合条件者可按规定申领补贴").is_empty());
    }
}
