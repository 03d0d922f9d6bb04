//! Who may see and do what: roles, data scopes (谁备案谁监管) and the account rules
//! (password complexity, lockout, idle sessions) the platform enforces.
//!
//! The rules are pure so that the store can apply a caller's [`DataScope`] in one
//! place — every query that reads institution data takes it — and so that tests
//! can enumerate role × region × action without a server.

use crate::Error;
use crate::ids::InstitutionId;
use crate::region::{RegionCode, RegionLevel};

code_enum! {
    /// 角色: what an account is for.
    Role, "admin, province, city, district, supervisor, institution, observer (系统管理员, 省级人社/职鉴中心, 市州人社/职鉴中心, 区县人社, 外部质量督导员, 评价机构, 纪检监察/审计)" {
        /// 系统管理员: accounts, regions, rulebooks, the operation log; sees everything.
        Admin = "admin" ["系统管理员"],
        /// 省级人社/职鉴中心: the province and everything below it.
        Province = "province" ["省级人社/职鉴中心", "省级人社", "省职鉴中心"],
        /// 市州人社/职鉴中心: one city and its districts.
        City = "city" ["市州人社/职鉴中心", "市州人社", "市职鉴中心"],
        /// 区县人社: one district.
        District = "district" ["区县人社"],
        /// 外部质量督导员: inspects the institutions of the region that appointed them.
        Supervisor = "supervisor" ["外部质量督导员", "质量督导员"],
        /// 评价机构: the clerk of one institution, who sees only that institution.
        Institution = "institution" ["评价机构", "机构经办人"],
        /// 纪检监察/审计: reads everything in their region, never writes.
        Observer = "observer" ["纪检监察/审计", "纪检监察", "审计"],
    }
}

impl Role {
    /// Whether the role may change anything at all (the observer never does).
    pub fn can_write(self) -> bool {
        self != Role::Observer
    }

    /// Whether the role is a supervising official (acts on findings, cases, registrations).
    pub fn is_official(self) -> bool {
        matches!(self, Role::Province | Role::City | Role::District)
    }

    /// The region tier an account of this role is anchored at, if any.
    pub fn region_level(self) -> Option<RegionLevel> {
        match self {
            Role::Province => Some(RegionLevel::Province),
            Role::City => Some(RegionLevel::City),
            Role::District => Some(RegionLevel::District),
            _ => None,
        }
    }
}

/// What a role may do on the platform, whatever the data scope (which
/// [`DataScope`] decides). The one table of role rights: the web crate asks
/// [`Role::may`] and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// 首页, 机构管理 and 考务监测 lists and details, the rulebook.
    Browse,
    /// 预警中心 and 风险清单 (internal screening results: not for institutions).
    ViewFindings,
    /// Confirm or dismiss a finding (属实/排除).
    MarkFindings,
    /// Register institutions and change, renew or cancel registrations (备案管理).
    ManageRegistry,
    /// Upload datasets (数据导入); the rows must lie in the caller's scope.
    Import,
    /// Look up certificates (证书查询) and ask for a full ID number (logged).
    LookupCertificates,
    /// Create and unlock accounts within one's own scope.
    ManageAccounts,
    /// Edit the reference data: region names (行政区划) and the working-day calendar (工作日历).
    ManageReferenceData,
    /// Read the operation log (操作日志) of one's jurisdiction.
    ViewOperationLog,
    /// Change one's own password (every account).
    OwnAccount,
    /// 案件办理: the case list, a case's page and its printed documents (an
    /// institution's clerk: the cases against its own institution once investigated,
    /// without the internal material — the store decides what the scope sees).
    ViewCases,
    /// The internal case file: evidence and on-site records attached to a case (not
    /// for the institution whose case it is).
    ViewCaseFiles,
    /// Handle cases (第十七条–第二十一条): open, assign investigators, propose,
    /// notify, decide, review, execute, check rectification, close, attach evidence.
    HandleCases,
    /// The party's acts in a case: a statement (陈述申辩), a rectification report, a
    /// review or recusal request — by the institution's clerk, or recorded by an
    /// official for a party who answers on paper.
    AnswerCases,
}

impl Role {
    /// Whether this role may do `p` (within its data scope).
    ///
    /// 谁备案谁监管: the supervising officials (province, city, district) act on
    /// findings and registrations; the administrator runs the system but takes no
    /// supervisory decisions; the external quality supervisor reads screening
    /// results to plan inspections; the 纪检监察/审计 observer reads everything in
    /// its region, including the operation log, and never writes; an institution's
    /// clerk sees its own records and uploads its own data. Cases are handled by the
    /// officials and read by everyone else in scope; the clerk answers its own
    /// institution's cases but never sees their internal file.
    /// Whether the role may import rows of `table` (within its jurisdiction,
    /// checked row by row elsewhere): a clerk only its own evaluations (人员,
    /// 考务, 成绩, 结果, 证书: 逢考必录 by the institution), the papers, standards,
    /// access log only the province and the administrator (they hold for the
    /// whole province), every other table every role that may import at all;
    /// the dataset's metadata (元数据) goes with any upload.
    pub fn may_import(self, table: crate::model::Table) -> bool {
        use crate::model::Table as T;
        if !self.may(Permission::Import) {
            return false;
        }
        match self {
            _ if table == T::Meta => true,
            Role::Institution => matches!(
                table,
                T::Personnel
                    | T::Batches
                    | T::Sessions
                    | T::BatchStaff
                    | T::BatchChanges
                    | T::Enrollments
                    | T::Scores
                    | T::Results
                    | T::Answers
                    | T::Certificates
            ),
            Role::Admin | Role::Province => true,
            _ => !matches!(table, T::Papers | T::Standards | T::AccessLog),
        }
    }

    pub fn may(self, p: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match p {
            Browse => true,
            ViewFindings => self != Institution,
            MarkFindings | ManageRegistry => self.is_official(),
            Import => matches!(self, Admin | Province | City | District | Institution),
            LookupCertificates => self != Supervisor,
            ManageAccounts => matches!(self, Admin | Province | City | District),
            ManageReferenceData => self == Admin,
            ViewOperationLog => matches!(self, Admin | Observer),
            OwnAccount => true,
            ViewCases => true,
            ViewCaseFiles => self != Institution,
            HandleCases => self.is_official(),
            AnswerCases => self.is_official() || self == Institution,
        }
    }
}

/// What part of the data an account sees and acts on (谁备案谁监管: the region
/// where an institution is registered, and everything below it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DataScope {
    /// The administrator: every region.
    Everything,
    /// Institutions registered in this region or below it.
    Region(RegionCode),
    /// One institution (its clerk).
    Institution(InstitutionId),
}

impl DataScope {
    /// The scope of an account of `role` anchored at `region` / `institution`;
    /// an error says what the role needs.
    pub fn for_account(
        role: Role,
        region: Option<RegionCode>,
        institution: Option<&InstitutionId>,
    ) -> Result<DataScope, Error> {
        match (role, region, institution) {
            (Role::Admin, _, _) => Ok(DataScope::Everything),
            (Role::Institution, _, Some(i)) => Ok(DataScope::Institution(i.clone())),
            (Role::Institution, _, None) => Err(Error::invalid(
                "an institution account needs its institution",
                "the institution_id of the clerk's institution",
            )),
            (Role::Supervisor | Role::Observer, Some(r), _) => Ok(DataScope::Region(r)),
            (role, Some(r), _) if role.region_level() == Some(r.level()) => {
                Ok(DataScope::Region(r))
            }
            (role, Some(r), _) => Err(Error::invalid(
                format!("{} is not a {} region", r, role.zh()),
                "a province code (xx0000) for 省级, a city code (xxxx00) for 市州, a district code for 区县",
            )),
            (_, None, _) => Err(Error::invalid(
                "this role needs a region",
                "the 6-digit region code the account supervises",
            )),
        }
    }

    /// Whether an institution is in scope: 谁备案谁监管 (Hubei 监督管理办法 第五条
    /// "按照'谁备案(遴选)、谁监管、谁负责'原则"). A province or city sees the
    /// institutions registered with it or below it, wherever they are; a district
    /// (指导县(市、区)人社部门对辖区内评价机构的评价活动进行日常管理, 机构管理办法
    /// 第六条) sees those located in it that its city registered, not the
    /// province-registered ones in its streets (第五条(二) 省本级备案).
    pub fn admits(
        &self,
        institution: &InstitutionId,
        region: &RegionCode,
        authority: &RegionCode,
    ) -> bool {
        match self {
            DataScope::Institution(i) => i == institution,
            _ => self.would_supervise(region, authority),
        }
    }

    /// Whether an institution not registered yet, at `region` with the
    /// registering `authority`, would be in scope (an institution's own account
    /// supervises none but itself).
    pub fn would_supervise(&self, region: &RegionCode, authority: &RegionCode) -> bool {
        match self {
            DataScope::Everything => true,
            DataScope::Region(r) => supervises(r, region, authority),
            DataScope::Institution(_) => false,
        }
    }

    /// Whether every institution `other` admits is also admitted by `self` (an
    /// official may only create accounts and delegate within their own scope).
    pub fn covers(&self, other: &DataScope) -> bool {
        match (self, other) {
            (DataScope::Everything, _) => true,
            (_, DataScope::Everything) => false,
            (DataScope::Region(a), DataScope::Region(b)) => a.contains(b),
            (DataScope::Region(_), DataScope::Institution(_)) => false,
            (DataScope::Institution(a), DataScope::Institution(b)) => a == b,
            (DataScope::Institution(_), DataScope::Region(_)) => false,
        }
    }
}

/// Whether the officials of region `r` supervise an institution at `region`
/// registered with `authority` (see [`DataScope::admits`]).
pub fn supervises(r: &RegionCode, region: &RegionCode, authority: &RegionCode) -> bool {
    match (r.level(), r.city()) {
        (RegionLevel::District, Some(city)) => r.contains(region) && city.contains(authority),
        _ => r.contains(authority),
    }
}

/// 5 failed logins in a row lock the account…
pub const MAX_FAILED_LOGINS: u32 = 5;
/// …for 15 minutes.
pub const LOCKOUT_MINUTES: i64 = 15;
/// A session ends after 30 idle minutes…
pub const SESSION_IDLE_MINUTES: i64 = 30;
/// …and 12 hours after the login at the latest, however busy (GB/T 22239-2019
/// 8.1.4.1 身份鉴别: 登录连接超时自动退出).
pub const SESSION_MAX_HOURS: i64 = 12;
/// The longest user name an account may have; longer input is never stored.
pub const MAX_USERNAME_CHARS: usize = 64;
/// The longest text of one operation-log field (target, detail, client); longer
/// text is cut with an ellipsis, so no request can grow the log without bound.
pub const MAX_LOG_FIELD_CHARS: usize = 500;

/// Whether an account of `actor` (with `actor_scope`) may manage an account of
/// `target` (with `target_scope`): create it, reset its password, unlock it.
///
/// Strictly downward (GB/T 22239-2019 8.1.4.2 访问控制: 授予管理用户所需的最小权限,
/// 实现管理用户的权限分离): an official manages the officials of the tiers below
/// their own inside their region, the institutions' clerks in scope and, at the
/// province and city tiers, the external quality supervisors they appoint; never a
/// peer, never the tier above, never the 纪检监察/审计 observer, whose independence
/// is the point of the role — observers and administrators are managed by the
/// administrator only. `target_region` is where the target's scope lies: its
/// region, or for a clerk the region of its institution (the store looks it up).
pub fn may_manage(
    actor: Role,
    actor_scope: &DataScope,
    target: Role,
    target_region: Option<&RegionCode>,
) -> bool {
    if actor == Role::Admin {
        return true;
    }
    let DataScope::Region(own) = actor_scope else {
        return false;
    };
    let Some(own_level) = actor.region_level() else {
        return false;
    };
    let inside = target_region.is_some_and(|r| own.contains(r));
    match target {
        Role::Admin | Role::Observer => false,
        Role::Institution => inside,
        Role::Supervisor => inside && actor != Role::District,
        Role::Province | Role::City | Role::District => {
            inside && target.region_level().is_some_and(|l| l > own_level)
        }
    }
}

/// Why a password is refused (in Chinese, with what would do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("密码少于 10 位；{rule}", rule = PASSWORD_RULE)]
    TooShort,
    #[error("密码只含 {n} 类字符；{rule}", n = .0, rule = PASSWORD_RULE)]
    TooPlain(usize),
    #[error("密码不得包含用户名；{rule}", rule = PASSWORD_RULE)]
    ContainsUsername,
    #[error("新密码不得与原密码相同")]
    Unchanged,
}

/// The password rule as the forms state it.
pub const PASSWORD_RULE: &str =
    "密码应至少 10 位，包含大写字母、小写字母、数字、符号中的至少 3 类，且不含用户名";

/// The password rule (GB/T 22239-2019 等保 2.0 身份鉴别: 口令具有复杂度要求): at least
/// 10 characters, from at least three of upper case, lower case, digits and
/// symbols, and not containing the user name.
pub fn check_password(password: &str, username: &str) -> Result<(), PasswordProblem> {
    if password.chars().count() < 10 {
        return Err(PasswordProblem::TooShort);
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|&&b| b)
    .count();
    if classes < 3 {
        return Err(PasswordProblem::TooPlain(classes));
    }
    if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        return Err(PasswordProblem::ContainsUsername);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(code: &str) -> RegionCode {
        RegionCode::parse(code).unwrap()
    }

    fn i(id: &str) -> InstitutionId {
        InstitutionId::parse(id).unwrap()
    }

    /// Who imports what: a clerk its own evaluations, the province and the
    /// administrator the province-wide tables, nobody who may not import.
    #[test]
    fn imports_follow_the_role() {
        use crate::model::Table as T;
        let cases = [
            (Role::Institution, T::Enrollments, true),
            (Role::Institution, T::Institutions, false),
            (Role::Institution, T::Papers, false),
            (Role::Institution, T::Meta, true),
            (Role::City, T::Institutions, true),
            (Role::City, T::Papers, false),
            (Role::District, T::Standards, false),
            (Role::Province, T::Papers, true),
            (Role::Admin, T::AccessLog, true),
            (Role::Supervisor, T::Enrollments, false),
            (Role::Observer, T::Meta, false),
        ];
        for (role, table, may) in cases {
            assert_eq!(role.may_import(table), may, "{role:?} importing {table:?}");
        }
    }

    /// 谁备案谁监管, case by case: (who looks, institution address, registering
    /// authority, admitted). Hubei 机构管理办法 第五条(二): a 省属企业 in Wuhan
    /// registered 省本级 is the province's, not Wuhan's nor its district's.
    #[test]
    fn scopes_follow_the_registering_authority() {
        let cases = [
            ("420100", "420102", "420100", true),
            ("420100", "420100", "420100", true),
            ("420100", "420202", "420200", false),
            ("420100", "420102", "420000", false),
            ("420000", "420102", "420000", true),
            ("420000", "420102", "420100", true),
            ("420102", "420102", "420100", true),
            ("420102", "420103", "420100", false),
            ("420102", "420102", "420000", false),
            ("430000", "420102", "420100", false),
        ];
        for (who, at, by, admitted) in cases {
            let level = match r(who).level() {
                RegionLevel::Province => Role::Province,
                RegionLevel::City => Role::City,
                RegionLevel::District => Role::District,
            };
            let scope = DataScope::for_account(level, Some(r(who)), None).unwrap();
            assert_eq!(
                scope.admits(&i("I1"), &r(at), &r(by)),
                admitted,
                "{who} looking at an institution in {at} registered with {by}"
            );
        }
        let wuhan = DataScope::for_account(Role::City, Some(r("420100")), None).unwrap();
        let clerk = DataScope::for_account(Role::Institution, None, Some(&i("I1"))).unwrap();
        assert!(clerk.admits(&i("I1"), &r("420102"), &r("420100")));
        assert!(!clerk.admits(&i("I2"), &r("420102"), &r("420100")));
        let hubei = DataScope::for_account(Role::Province, Some(r("420000")), None).unwrap();
        assert!(hubei.covers(&wuhan) && !wuhan.covers(&hubei) && !wuhan.covers(&clerk));
        assert!(DataScope::Everything.admits(&i("X"), &r("110101"), &r("110100")));
    }

    #[test]
    fn accounts_are_anchored_at_their_tier() {
        for (role, region, ok) in [
            (Role::Province, "420000", true),
            (Role::Province, "420100", false),
            (Role::City, "420100", true),
            (Role::City, "420102", false),
            (Role::District, "420102", true),
            (Role::District, "420000", false),
            (Role::Supervisor, "420100", true),
            (Role::Observer, "420000", true),
        ] {
            assert_eq!(
                DataScope::for_account(role, Some(r(region)), None).is_ok(),
                ok,
                "{role:?} at {region}"
            );
        }
        assert!(DataScope::for_account(Role::City, None, None).is_err());
        assert!(DataScope::for_account(Role::Institution, Some(r("420100")), None).is_err());
        assert!(!Role::Observer.can_write() && Role::Institution.can_write());
        assert_eq!(Role::parse("市州人社/职鉴中心").unwrap(), Role::City);
    }

    #[test]
    fn officials_handle_cases_and_the_clerk_answers_them() {
        for role in Role::ALL {
            assert!(role.may(Permission::ViewCases));
            assert_eq!(role.may(Permission::HandleCases), role.is_official());
            assert_eq!(
                role.may(Permission::AnswerCases),
                role.is_official() || *role == Role::Institution
            );
            assert_eq!(
                role.may(Permission::ViewCaseFiles),
                *role != Role::Institution
            );
        }
        assert!(!Role::Observer.may(Permission::AnswerCases));
    }

    #[test]
    fn accounts_are_managed_strictly_downward() {
        let scope = |role, code: &str| DataScope::for_account(role, Some(r(code)), None).unwrap();
        let hubei = scope(Role::Province, "420000");
        let wuhan = scope(Role::City, "420100");
        let jiangan = scope(Role::District, "420102");
        let rr = |c: &str| r(c);
        use Role::*;
        // (actor, scope, target, target region, may)
        let cases: &[(Role, &DataScope, Role, &str, bool)] = &[
            (Province, &hubei, City, "420100", true),
            (Province, &hubei, District, "420102", true),
            (Province, &hubei, Province, "420000", false),
            (Province, &hubei, Observer, "420000", false),
            (Province, &hubei, Supervisor, "420000", true),
            (Province, &hubei, Institution, "420102", true),
            (Province, &hubei, City, "110100", false),
            (City, &wuhan, District, "420102", true),
            (City, &wuhan, District, "420202", false),
            (City, &wuhan, City, "420100", false),
            (City, &wuhan, Province, "420000", false),
            (City, &wuhan, Observer, "420100", false),
            (City, &wuhan, Supervisor, "420100", true),
            (City, &wuhan, Institution, "420105", true),
            (City, &wuhan, Institution, "420202", false),
            (District, &jiangan, District, "420102", false),
            (District, &jiangan, Institution, "420102", true),
            (District, &jiangan, Supervisor, "420102", false),
            (Admin, &DataScope::Everything, Observer, "420000", true),
        ];
        for (actor, scope, target, region, may) in cases {
            assert_eq!(
                may_manage(*actor, scope, *target, Some(&rr(region))),
                *may,
                "{actor:?} managing {target:?} at {region}"
            );
        }
        for role in [Supervisor, Institution, Observer] {
            let s = match role {
                Institution => DataScope::Institution(i("I1")),
                _ => hubei.clone(),
            };
            assert!(!may_manage(role, &s, Institution, Some(&rr("420102"))));
        }
    }

    #[test]
    fn passwords_need_length_variety_and_no_user_name() {
        assert!(check_password("Zhijian-2026", "wang").is_ok());
        assert!(check_password("zhijian2026!", "wang").is_ok());
        for (bad, user) in [
            ("Short-1", "wang"),
            ("alllowercase", "wang"),
            ("lowercase123", "wang"),
            ("Wang-2026-x", "wang"),
        ] {
            let problem = check_password(bad, user).unwrap_err();
            assert!(problem.to_string().contains("密码"), "{bad}: {problem}");
        }
    }
}
