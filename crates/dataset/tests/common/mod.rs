//! What the integration tests share: a tiny valid dataset and how to read one.
#![allow(dead_code)] // each test binary uses its own share of these

use dataset::Error;
use dataset::read::{ReadOptions, read_dataset};
use std::path::Path;

/// A small, valid dataset: one social organisation evaluating two candidates.
pub const TINY: &[(&str, &str)] = &[
    (
        "meta",
        "as_of,region_code,policy,window_from\n2024-06-30,420000,national,2023-01-01\n",
    ),
    (
        "institutions",
        "institution_id,name,credit_code,kind,region_code,registered_on,expires_on,status,employee_count\n\
         I0001,武汉市江汉区匠心职业培训学校,91350100M000100Y43,social_org,420103,2023-01-10,2026-01-09,active,\n",
    ),
    (
        "scopes",
        "institution_id,occupation_code,occupation_name,level\nI0001,4-03-02-01,中式烹调师,4\n",
    ),
    (
        "sites",
        "site_id,institution_id,address,capacity\nS0001,I0001,武汉市江汉区建设大道568号,60\n",
    ),
    (
        "batches",
        "batch_id,institution_id,occupation_code,level,site_id,start_at,end_at,filed_at\n\
         B001,I0001,4-03-02-01,4,S0001,2024-03-15 09:00,2024-03-15 17:00,2024-03-01 10:00\n",
    ),
    (
        "enrollments",
        "batch_id,candidate_id,name,education,work_years,applied_at\n\
         B001,11010519491231002X,王秀英,high_school,7,2024-02-20\n\
         B001,440524188001010014,李建国,college,6,2024-02-21\n",
    ),
    (
        "scores",
        "batch_id,candidate_id,subject,score\n\
         B001,11010519491231002X,theory,78.5\n\
         B001,440524188001010014,theory,55\n",
    ),
    (
        "results",
        "batch_id,candidate_id,result\nB001,11010519491231002X,pass\nB001,440524188001010014,fail\n",
    ),
    (
        "certificates",
        "cert_no,candidate_id,name,institution_id,batch_id,occupation_code,level,issued_on,status\n\
         S000042000001244000001,11010519491231002X,王秀英,I0001,B001,4-03-02-01,4,2024-04-02,valid\n",
    ),
];

pub fn write_tiny(dir: &Path, edit: impl Fn(&str, &str) -> String) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in TINY {
        std::fs::write(dir.join(format!("{name}.csv")), edit(name, text)).unwrap();
    }
}

pub fn read(dir: &Path) -> Result<dataset::read::Loaded, Error> {
    read_dataset(dir, &ReadOptions::default())
}
