-- 谁备案谁监管 (Hubei 监督管理办法 第五条): an institution is supervised by the
-- authority it registered with (备案机关), not by its address — a 省属企业 in
-- Wuhan registered 省本级 is the province's. `registered_by` is that authority's
-- region code; the store always fills it (domain::model::Institution::authority).
-- Existing rows take the default of 机构管理办法 第五条: 职业资格鉴定机构 and
-- institutions at a province-level address → the province, the rest → their city.
ALTER TABLE institutions ADD COLUMN registered_by TEXT;
UPDATE institutions SET registered_by = CASE
    WHEN kind = 'qualification' OR substr(region_code, 3, 2) = '00'
        THEN substr(region_code, 1, 2) || '0000'
    ELSE substr(region_code, 1, 4) || '00'
END;
CREATE INDEX institutions_registered_by ON institutions (registered_by);

-- Where a site is (所在地区), when the dataset says.
ALTER TABLE sites ADD COLUMN region_code TEXT;

-- Where the activity a finding concerns took place: its site's region, else its
-- institution's, else the dataset's jurisdiction. A finding about an institution
-- absent from the registry (未备案机构开展评价) belongs to this region.
ALTER TABLE findings ADD COLUMN region_code TEXT;
UPDATE findings SET region_code = COALESCE(
    (SELECT s.region_code FROM batches b JOIN sites s ON s.site_id = b.site_id
      WHERE b.batch_id = findings.batch_id),
    (SELECT i.region_code FROM institutions i WHERE i.institution_id = findings.institution_id),
    (SELECT m.region_code FROM meta m)
);
CREATE INDEX findings_region ON findings (region_code);
