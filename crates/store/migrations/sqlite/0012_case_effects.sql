-- Case effects and renewal reminders that were missing (issue 13).
--
-- 取消成绩 (湖北规程 第五条 "取消其当次该科目的评价成绩", 第六条/第七条 "取消其当次全部
-- 科目评价成绩"): a candidate's result, and for all subjects the scores, of an
-- activity are marked cancelled by the case that decided it; a review that undoes
-- the decision clears the mark. The rows themselves stay: they are evidence.
ALTER TABLE results ADD COLUMN cancelled_by_case BIGINT;
ALTER TABLE scores ADD COLUMN cancelled_by_case BIGINT;

-- 取消其当年参加评价工作的资格 (第八条: through 31 December) and 暂停其督导工作
-- (第十一条: for a period) are suspensions with an end date, not the end of the
-- staff member's card; lifted_at when a review withdrew one.
CREATE TABLE staff_suspensions (
    suspension_id INTEGER PRIMARY KEY,
    person_id TEXT NOT NULL,
    measure TEXT NOT NULL CHECK (measure IN ('disqualify_staff', 'suspend_supervisor')),
    suspended_from DATE NOT NULL,
    suspended_until DATE NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    lifted_at TIMESTAMP
);
CREATE INDEX staff_suspensions_person ON staff_suspensions (person_id);

-- 第二十条 "评价机构经提醒仍未提交延续申请的,到期自动取消备案资质": the reminders
-- sent before a registration ends (3 months, 1 month, 1 week), one per stage and
-- expiry. A registration expires automatically only after a reminder; one that
-- expires without any is left for an official to confirm.
CREATE TABLE renewal_reminders (
    reminder_id INTEGER PRIMARY KEY,
    institution_id TEXT NOT NULL,
    expires_on DATE NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('three_months', 'one_month', 'one_week')),
    sent_on DATE NOT NULL,
    by_user TEXT NOT NULL
);
CREATE UNIQUE INDEX renewal_reminders_key ON renewal_reminders (institution_id, expires_on, stage);
