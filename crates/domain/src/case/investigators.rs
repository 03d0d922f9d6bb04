//! 调查人员 (第十七条 "由备案地职鉴中心核实情况"), conflicts of interest and recusal
//! (第十八条 "调查人员与涉事机构或人员存在利害关系的,应当主动回避;当事人可申请其
//! 回避"), and the signers of an on-site record (第十五条).

use super::{AttachmentKind, CaseRefusal, PartyKind};
use crate::ids::InstitutionId;

/// An investigator being assigned: a name, and the institution of their account
/// when it is an institution account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Investigator {
    pub name: String,
    pub institution_id: Option<InstitutionId>,
}

/// A declared conflict of interest between an investigator and an institution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub investigator: String,
    pub institution_id: InstitutionId,
    pub reason: String,
}

/// 第十七条 / 第十八条: refuses an assignment of nobody, of someone already
/// assigned, of an investigator with a declared conflict with the case's institution
/// or whose account belongs to it ("调查人员与涉事机构或人员存在利害关系的,应当主动回避"),
/// and of one recused from the case ("当事人可申请其回避").
pub fn check_investigators(
    institution: &InstitutionId,
    who: &[Investigator],
    assigned: &[String],
    conflicts: &[Conflict],
    recused: &[String],
) -> Result<(), CaseRefusal> {
    if who.is_empty() {
        return Err(CaseRefusal::NoInvestigators);
    }
    for (i, inv) in who.iter().enumerate() {
        if assigned.contains(&inv.name) || who[..i].iter().any(|o| o.name == inv.name) {
            return Err(CaseRefusal::AlreadyAssigned {
                investigator: inv.name.clone(),
            });
        }
        if inv.institution_id.as_ref() == Some(institution) {
            return Err(CaseRefusal::Conflict {
                investigator: inv.name.clone(),
                institution_id: institution.to_string(),
                reason: "本机构账号".into(),
            });
        }
        if let Some(c) = conflicts
            .iter()
            .find(|c| c.investigator == inv.name && &c.institution_id == institution)
        {
            return Err(CaseRefusal::Conflict {
                investigator: inv.name.clone(),
                institution_id: institution.to_string(),
                reason: c.reason.clone(),
            });
        }
        if recused.contains(&inv.name) {
            return Err(CaseRefusal::Recused {
                investigator: inv.name.clone(),
            });
        }
    }
    Ok(())
}

/// 第十五条: an on-site record of a candidate's violation needs `min` (2) or more
/// distinct signers; other attachments need none.
pub fn check_signers(
    kind: AttachmentKind,
    party: PartyKind,
    signers: &[String],
    min: usize,
) -> Result<(), CaseRefusal> {
    if kind == AttachmentKind::OnsiteRecord && party == PartyKind::Candidate {
        let mut distinct: Vec<&str> = signers
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < min {
            return Err(CaseRefusal::FewSigners {
                signers: distinct.len(),
            });
        }
    }
    Ok(())
}
