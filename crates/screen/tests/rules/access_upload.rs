//! Cases for guide items 14 and 15: certificate-data access and upload.

use crate::Case;
use crate::baseline::*;
use domain::enums::*;
use domain::ids::*;
use domain::model::*;

pub fn cases() -> Vec<Case> {
    vec![
        // ---- item 14: access
        case!(
            "another institution's account reads our certificates",
            |t| {
                t.access_log.push(AccessLog {
                    at: at(2024, 8, 1, 9, 0),
                    user_id: UserId::parse("U9").unwrap(),
                    institution_id: Some(InstitutionId::parse("I002").unwrap()),
                    cert_no: cert_no(2),
                    action: AccessAction::Export,
                });
            },
            [("access.other_institution", inst("I002"))]
        ),
        near_miss!(
            "near miss: the authority reads certificates",
            ["access.other_institution"],
            |t| {
                t.access_log.push(AccessLog {
                    at: at(2024, 8, 1, 9, 0),
                    user_id: UserId::parse("RSJ1").unwrap(),
                    institution_id: None,
                    cert_no: cert_no(2),
                    action: AccessAction::Export,
                });
            },
            []
        ),
        case!(
            "bulk reading of own certificates",
            |t| {
                let a = t.access_log[0].clone();
                t.access_log.extend(std::iter::repeat_n(a, 250));
            },
            [("access.bulk", inst("I001"))]
        ),
        near_miss!(
            "near miss: 150 reads",
            ["access.bulk"],
            |t| {
                let a = t.access_log[0].clone();
                t.access_log.extend(std::iter::repeat_n(a, 149));
            },
            []
        ),
        near_miss!(
            "near miss: exactly 200 reads, the minimum",
            ["access.bulk"],
            |t| {
                let a = t.access_log[0].clone();
                t.access_log.extend(std::iter::repeat_n(a, 199));
            },
            []
        ),
        // ---- item 15: upload
        case!(
            "certificate data contradicts the record",
            |t| {
                cert_mut(t, 1).name = "李四".into();
            },
            [("upload.contradicts_record", crt(1))]
        ),
        near_miss!(
            "near miss: certificate name with a trailing full-width space",
            ["upload.contradicts_record"],
            |t| {
                cert_mut(t, 1).name = "考生1\u{3000}".into();
            },
            []
        ),
        case!(
            "certificate of another occupation, outside the scope",
            |t| {
                cert_mut(t, 1).occupation_code = occ("4-03-02-02");
            },
            [
                ("certificate.activity_mismatch", crt(1)),
                ("upload.outside_scope", crt(1)),
            ]
        ),
    ]
}
