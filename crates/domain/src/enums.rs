//! The closed vocabularies of ../shared/spec/dataset.md.
//!
//! Each enum has one stable code (the glossary's English name, used in files, JSON and
//! SQL) and Chinese labels; parsing accepts the code or any Chinese label, so a sheet
//! exported with Chinese values imports as is.

use crate::Error;

/// Declares a closed vocabulary: `code` is what files and JSON carry, the first Chinese
/// label is what the UI shows, the other labels are accepted on input.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $expected:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal [ $($zh:literal),+ ] ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $( $(#[$vmeta])* $variant ),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What a valid value looks like, for error messages.
            pub const EXPECTED: &'static str = $expected;

            /// The stable code used in files, JSON and SQL.
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Chinese label shown in the UI.
            pub const fn zh(self) -> &'static str {
                match self { $($name::$variant => code_enum!(@first $($zh),+)),+ }
            }

            /// Parses the code or any Chinese label (surrounding blanks ignored, codes case-insensitive).
            pub fn parse(text: &str) -> Result<Self, Error> {
                let t = text.trim();
                $(
                    if t.eq_ignore_ascii_case($code) $(|| t == $zh)+ {
                        return Ok($name::$variant);
                    }
                )+
                Err(Error::invalid(format!("unknown value \"{t}\""), $expected))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::str::FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> { Self::parse(s) }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
    (@first $a:literal $(, $rest:literal)*) => { $a };
}

code_enum! {
    /// 机构类型: what kind of registered institution evaluates.
    InstitutionKind, "employer, social_org, qualification, special (用人单位, 社会培训评价组织, 职业资格鉴定机构, 专项职业能力考核考点)" {
        /// 用人单位: evaluates its own staff and its affiliates' staff.
        Employer = "employer" ["用人单位"],
        /// 社会培训评价组织: evaluates the public.
        SocialOrg = "social_org" ["社会培训评价组织", "社评组织"],
        /// 职业资格鉴定机构: occupations of the national qualification list.
        Qualification = "qualification" ["职业资格鉴定机构"],
        /// 专项职业能力考核考点: special-ability assessments.
        Special = "special" ["专项职业能力考核考点"],
    }
}

code_enum! {
    /// 备案状态.
    RegistrationStatus, "active, suspended, terminated (正常, 暂停评价, 终止备案)" {
        Active = "active" ["正常"],
        Suspended = "suspended" ["暂停评价", "暂停"],
        Terminated = "terminated" ["终止备案", "终止"],
    }
}

code_enum! {
    /// 关联单位关系: why an employer may evaluate another organisation's staff.
    Relation, "subsidiary, agreement (全资或控股子公司, 合作协议)" {
        Subsidiary = "subsidiary" ["全资或控股子公司", "子公司"],
        Agreement = "agreement" ["合作协议", "协议"],
    }
}

code_enum! {
    /// 人员角色 in the personnel register.
    PersonRole, "examiner, internal_supervisor, external_supervisor (考评员, 内部质量督导员, 外部质量督导员)" {
        Examiner = "examiner" ["考评员"],
        InternalSupervisor = "internal_supervisor" ["内部质量督导员", "内督员"],
        ExternalSupervisor = "external_supervisor" ["外部质量督导员", "外督员"],
    }
}

code_enum! {
    /// 考核科目.
    Subject, "theory, skill, review (理论知识考试, 操作技能考核, 综合评审)" {
        Theory = "theory" ["理论知识考试", "理论"],
        Skill = "skill" ["操作技能考核", "技能", "实操"],
        Review = "review" ["综合评审", "评审"],
    }
}

code_enum! {
    /// 职责 of a staff member in one session.
    Duty, "examiner, proctor, grader (考评, 监考, 阅卷)" {
        Examiner = "examiner" ["考评"],
        Proctor = "proctor" ["监考"],
        Grader = "grader" ["阅卷"],
    }
}

code_enum! {
    /// 变更项 of a plan change.
    ChangeField, "site, date, time, level, occupation, batch_id (考核场所, 日期, 时间, 等级, 职业, 批次号)" {
        Site = "site" ["考核场所", "考核点"],
        Date = "date" ["日期", "考核日期"],
        Time = "time" ["时间", "考核时间"],
        Level = "level" ["等级"],
        Occupation = "occupation" ["职业", "职业(工种)"],
        BatchId = "batch_id" ["批次号"],
    }
}

code_enum! {
    /// 学历.
    Education, "none, junior_high, high_school, technical_school, senior_technical, college, bachelor, postgraduate (无, 初中, 高中/中专, 技工学校, 高级技工学校/技师学院, 大专, 本科, 研究生)" {
        None = "none" ["无", "小学"],
        JuniorHigh = "junior_high" ["初中"],
        HighSchool = "high_school" ["高中/中专", "高中", "中专"],
        TechnicalSchool = "technical_school" ["技工学校", "技校"],
        SeniorTechnical = "senior_technical" ["高级技工学校/技师学院", "高级技工学校", "技师学院"],
        College = "college" ["大专", "专科"],
        Bachelor = "bachelor" ["本科"],
        Postgraduate = "postgraduate" ["研究生"],
    }
}

code_enum! {
    /// 评价结果 of one enrollment.
    Outcome, "pass, fail, absent (合格, 不合格, 缺考)" {
        Pass = "pass" ["合格"],
        Fail = "fail" ["不合格"],
        Absent = "absent" ["缺考"],
    }
}

code_enum! {
    /// 证书状态.
    CertStatus, "valid, void, revoked (有效, 作废, 撤销)" {
        Valid = "valid" ["有效", "正常"],
        Void = "void" ["作废"],
        Revoked = "revoked" ["撤销"],
    }
}

code_enum! {
    /// 核实结果 of a complaint.
    Verified, "substantiated, unfounded, pending (属实, 不属实, 核查中)" {
        Substantiated = "substantiated" ["属实"],
        Unfounded = "unfounded" ["不属实"],
        Pending = "pending" ["核查中"],
    }
}

code_enum! {
    /// 操作 in the certificate-data access log.
    AccessAction, "read, export (读取, 导出)" {
        Read = "read" ["读取", "查询"],
        Export = "export" ["导出"],
    }
}

code_enum! {
    /// 违纪违规情形 severity of the 认定处理指引.
    Severity, "general, serious, grave (一般, 严重, 特别严重)" {
        /// 一般违纪违规情形.
        General = "general" ["一般", "一般违纪违规"],
        /// 严重违纪违规情形.
        Serious = "serious" ["严重", "严重违纪违规"],
        /// 特别严重违纪违规情形.
        Grave = "grave" ["特别严重", "特别严重违纪违规"],
    }
}

code_enum! {
    /// 处理 (disposition) proposed for or decided on a violation.
    Disposition, "interview, rectify, terminate, revoke_data (约谈提醒, 限期整改, 终止备案, 撤销证书数据)" {
        /// 约谈提醒, 责令改正.
        Interview = "interview" ["约谈提醒", "约谈", "责令改正"],
        /// 警告, 限期整改, 暂停评价.
        Rectify = "rectify" ["限期整改", "警告", "暂停评价", "警告、限期整改、暂停评价"],
        /// 终止备案.
        Terminate = "terminate" ["终止备案"],
        /// 撤销违规证书数据.
        RevokeData = "revoke_data" ["撤销证书数据", "撤销违规证书数据"],
    }
}

/// Parses the dataset's boolean convention: `true/false`, `1/0`, `是/否`.
pub fn parse_bool(text: &str) -> Result<bool, Error> {
    match text.trim() {
        t if t.eq_ignore_ascii_case("true") || t == "1" || t == "是" => Ok(true),
        t if t.eq_ignore_ascii_case("false") || t == "0" || t == "否" => Ok(false),
        t => Err(Error::invalid(
            format!("unknown value \"{t}\""),
            "true/false, 1/0 or 是/否",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_chinese_labels_parse_to_the_same_value() {
        for &kind in InstitutionKind::ALL {
            assert_eq!(InstitutionKind::parse(kind.code()), Ok(kind));
            assert_eq!(InstitutionKind::parse(kind.zh()), Ok(kind));
        }
        assert_eq!(Education::parse("中专"), Ok(Education::HighSchool));
        assert_eq!(Outcome::parse(" PASS "), Ok(Outcome::Pass));
    }

    #[test]
    fn an_unknown_value_names_the_valid_ones() {
        let err = Outcome::parse("passed").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("\"passed\""), "{text}");
        assert!(text.contains("pass, fail, absent"), "{text}");
    }

    #[test]
    fn booleans_follow_the_spec() {
        for (t, v) in [
            ("true", true),
            ("1", true),
            ("是", true),
            ("FALSE", false),
            ("0", false),
            ("否", false),
        ] {
            assert_eq!(parse_bool(t), Ok(v), "{t}");
        }
        assert!(parse_bool("yes").is_err());
    }
}
