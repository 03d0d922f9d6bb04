//! Property: every table of a generated province round-trips
//! Tables → CSV → Dataset → xlsx → Dataset unchanged, whatever the seed.

use dataset::generate::{GenConfig, generate_tables};
use dataset::read::{ReadOptions, read_dataset};
use dataset::write::{Format, write_dataset};
use domain::model::Table;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 3, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_provinces_round_trip_through_csv_and_xlsx(seed in any::<u64>()) {
        let config = GenConfig { scale: 1, seed, ..GenConfig::default() };
        let (generated, _labels) = generate_tables(&config);
        for table in Table::ALL {
            prop_assert!(generated.len(table) > 0, "the generator left table {} empty", table.name());
        }
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("csv");
        write_dataset(&generated, &csv, Format::Csv).unwrap();
        let from_csv = read_dataset(&csv, &ReadOptions::default()).unwrap().dataset.tables;
        prop_assert!(from_csv == generated, "CSV changed the data");
        let xlsx = dir.path().join("dataset.xlsx");
        write_dataset(&from_csv, &xlsx, Format::Xlsx).unwrap();
        let from_xlsx = read_dataset(&xlsx, &ReadOptions::default()).unwrap().dataset.tables;
        for table in Table::ALL {
            prop_assert_eq!(from_xlsx.len(table), from_csv.len(table), "row count of {}", table.name());
        }
        prop_assert!(from_xlsx == from_csv, "xlsx changed the data");
    }
}
