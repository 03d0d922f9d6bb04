//! Cases for guide items 5, 6/13, 7 and 9: promotion, inactivity, complaints, scope and registration.

use crate::Case;
use crate::baseline::*;
use domain::enums::*;
use domain::ids::*;
use domain::model::*;

pub fn cases() -> Vec<Case> {
    vec![
        // ---- item 5: promotion
        case!(
            "包过 promise",
            |t| {
                promote(t, "零基础包过，不过退费！三天拿证");
            },
            [("promotion.false_advertising", inst("I001"))]
        ),
        near_miss!(
            "near miss: 不承诺包过 and 确保过程规范",
            ["promotion.false_advertising"],
            |t| {
                promote(
                    t,
                    "本机构不承诺包过；确保过程规范，杜绝“包过”“保过”等虚假宣传。",
                );
            },
            []
        ),
        case!(
            "subsidy as bait",
            |t| {
                promote(t, "考证领政府补贴1500元，学费全返，相当于免费学技能！");
            },
            [("promotion.subsidy_bait", inst("I001"))]
        ),
        near_miss!(
            "near miss: the subsidy mentioned as policy",
            ["promotion.subsidy_bait"],
            |t| {
                promote(t, "符合条件的学员取证后可按规定申领职业技能提升补贴。");
            },
            []
        ),
        // ---- items 6/13, 7
        case!(
            "no activity for 15 months",
            |t| {
                t.meta.as_of = Some(d(2025, 9, 1));
            },
            [("activity.inactive", inst("I001"))]
        ),
        near_miss!(
            "near miss: no activity for 11 months",
            ["activity.inactive"],
            |t| {
                t.meta.as_of = Some(d(2025, 5, 31));
            },
            []
        ),
        case!(
            "substantiated complaint, institution at fault",
            |t| {
                t.complaints[0].verified = Verified::Substantiated;
                t.complaints[0].at_fault = Some(true);
            },
            [("complaint.substantiated", inst("I001"))]
        ),
        near_miss!(
            "near miss: substantiated, institution not at fault",
            ["complaint.substantiated"],
            |t| {
                t.complaints[0].verified = Verified::Substantiated;
            },
            []
        ),
        // ---- item 9: scope and registration
        case!(
            "activity outside the registered scope (and its certificates)",
            |t| {
                t.scopes[0].level = lvl(3);
            },
            [
                ("scope.outside_registered_scope", batch("B1")),
                ("upload.outside_scope", crt(1)),
                ("upload.outside_scope", crt(2)),
                ("upload.outside_scope", crt(3)),
                ("upload.outside_scope", crt(4)),
            ]
        ),
        near_miss!(
            "near miss: scope effective on the activity day",
            ["scope.outside_registered_scope"],
            |t| {
                t.scopes[0].valid_from = Some(d(2024, 6, 1));
            },
            []
        ),
        near_miss!(
            "near miss: scope ended after the activity, before the certificates",
            ["scope.outside_registered_scope", "upload.outside_scope"],
            |t| {
                t.scopes[0].valid_to = Some(d(2024, 6, 10));
            },
            []
        ),
        case!(
            "scope effective after the activity: the activity is outside, the upload is not",
            |t| {
                t.scopes[0].valid_from = Some(d(2024, 6, 15));
            },
            [("scope.outside_registered_scope", batch("B1"))]
        ),
        case!(
            "activity at an unregistered site",
            |t| {
                t.batches[0].site_id = Some(SiteId::parse("S009").unwrap());
            },
            [("scope.unregistered_site", batch("B1"))]
        ),
        near_miss!(
            "near miss: site revoked the day after",
            ["scope.unregistered_site"],
            |t| {
                t.sites[0].revoked_on = Some(d(2024, 6, 2));
            },
            []
        ),
        case!(
            "activity while suspended",
            |t| {
                t.institutions[0].status = RegistrationStatus::Suspended;
                t.institutions[0].status_since = Some(d(2024, 5, 15));
            },
            [("scope.registration_inactive", batch("B1"))]
        ),
        near_miss!(
            "near miss: suspended after the activity",
            ["scope.registration_inactive"],
            |t| {
                t.institutions[0].status = RegistrationStatus::Suspended;
                t.institutions[0].status_since = Some(d(2024, 7, 1));
            },
            []
        ),
        case!(
            "activity after the registration expired",
            |t| {
                t.institutions[0].expires_on = d(2024, 5, 31);
            },
            [("scope.registration_inactive", batch("B1"))]
        ),
        case!(
            "activity of an institution that is not registered",
            |t| {
                t.institutions.clear();
                t.scopes.clear();
            },
            [("scope.unregistered_institution", batch("B1"))]
        ),
        near_miss!(
            "near miss: institution and sites registered on the activity day",
            [
                "scope.unregistered_institution",
                "scope.registration_inactive",
                "scope.unregistered_site"
            ],
            |t| {
                t.institutions[0].registered_on = d(2024, 6, 1);
                for s in &mut t.sites {
                    s.registered_on = Some(d(2024, 6, 1));
                }
            },
            []
        ),
    ]
}
