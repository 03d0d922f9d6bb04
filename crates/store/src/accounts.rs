//! Accounts, logins and sessions (GB/T 22239-2019 level 3 身份鉴别 and 访问控制).
//!
//! - Passwords are checked for complexity (`domain::access::check_password`) and
//!   kept only as argon2id hashes. Hashing and verifying run on the blocking pool,
//!   at most [`PASSWORD_WORKERS`] at a time, never on the async workers: a burst of
//!   logins queues there while pages keep being served.
//! - [`MAX_FAILED_LOGINS`] guesses, and no more, are ever evaluated before an
//!   account locks for [`LOCKOUT_MINUTES`], however many arrive at once: each attempt
//!   first reserves a slot by incrementing the failure count in the database
//!   (`… WHERE failed_logins < 5`, the fifth slot setting the lock at once), and only
//!   an attempt that got a slot has its password checked; a success resets the
//!   count and lifts the lock. At most [`MAX_WAITING_PASSWORD_CHECKS`] checks wait
//!   for a worker; beyond that a login is refused as busy before anything changes.
//! - Every refusal looks alike: an unknown user, a wrong password, a locked or a
//!   disabled account get the same answer after the same work (a hash is verified
//!   in every case), so neither names nor locks can be probed.
//! - A session is a random 256-bit token given to the browser; the store keeps its
//!   SM3 hash, the account, a CSRF token, when it began and when it was last used.
//!   It ends after [`SESSION_IDLE_MINUTES`] without use, [`SESSION_MAX_HOURS`] after
//!   the login, and whenever the account's password changes.
//! - Accounts are managed strictly downward (`domain::access::may_manage`). A
//!   password set by someone else is shown to them once and must be changed at the
//!   first login with it.
//!
//! The clock is a parameter (`now`) so the rules can be tested without waiting.

use crate::Store;
use crate::audit::{self, Actor, Concerning, Entry};
use crate::browse::{Grid, Paging, Query, grid};
use crate::error::{Error, Result};
use crate::tx::{Cell, Kind, Writer, in_transaction};
use crate::value::Value;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{Duration, NaiveDateTime};
use domain::RegionCode;
use domain::access::{
    DataScope, LOCKOUT_MINUTES, MAX_FAILED_LOGINS, MAX_USERNAME_CHARS, PasswordProblem, Role,
    SESSION_IDLE_MINUTES, SESSION_MAX_HOURS, check_password, may_manage,
};
use domain::ids::InstitutionId;
use sm3::{Digest, Sm3};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub region: Option<RegionCode>,
    pub institution: Option<InstitutionId>,
    pub password: String,
}

/// Who is acting: an account with its role and data scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub account_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: DataScope,
    /// The password was set by someone else: nothing but changing it is allowed.
    pub must_change_password: bool,
    /// The name of the account's jurisdiction as pages show it (武汉市, the
    /// institution's name), when the store knows it.
    pub scope_name: Option<String>,
}

/// A live session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// The token to hand to the browser (only its hash is stored).
    pub token: String,
    /// The CSRF token every form of this session must carry.
    pub csrf: String,
    pub principal: Principal,
}

/// Why a login was refused. The platform answers all of them with one message,
/// so that names and locks cannot be probed; the kinds are for the log and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginRefusal {
    /// Unknown user name or wrong password.
    BadCredentials,
    /// Too many failures: locked (until the time, when this attempt set the lock).
    Locked { until: Option<NaiveDateTime> },
    /// The account was disabled by an administrator.
    Disabled,
}

/// Why a password change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeRefusal {
    #[error("原密码不正确")]
    WrongPassword,
    #[error("{0}")]
    Weak(PasswordProblem),
}

/// One line of the operation log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub log_id: i64,
    pub at: NaiveDateTime,
    pub username: String,
    pub action: String,
    pub target: Option<String>,
    pub detail: Option<String>,
    pub client: Option<String>,
}

/// How many passwords are hashed or verified at once: all cores but one, so that
/// the pages keep a core however many logins arrive (argon2id is meant to be slow).
pub static PASSWORD_WORKERS: OnceLock<usize> = OnceLock::new();

fn password_workers() -> usize {
    *PASSWORD_WORKERS.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get().saturating_sub(1))
            .max(1)
    })
}

/// How many password checks may wait for a worker: about two seconds of work.
/// Beyond it a login is answered at once with "busy" (nothing is changed) rather
/// than queued, so a flood of logins cannot pile up and delay every later login
/// for minutes.
pub const MAX_WAITING_PASSWORD_CHECKS: usize = 64;

/// The right to run one password hash or check: one of [`password_workers`].
struct Worker {
    _permit: tokio::sync::OwnedSemaphorePermit,
}

/// Waits for a password worker, or refuses at once when too many wait.
async fn password_worker() -> Result<Worker> {
    static GATE: OnceLock<Arc<Semaphore>> = OnceLock::new();
    static WAITING: AtomicUsize = AtomicUsize::new(0);
    if WAITING.fetch_add(1, Ordering::AcqRel) >= MAX_WAITING_PASSWORD_CHECKS {
        WAITING.fetch_sub(1, Ordering::AcqRel);
        return Err(Error::Busy);
    }
    let permit = GATE
        .get_or_init(|| Arc::new(Semaphore::new(password_workers())))
        .clone()
        .acquire_owned()
        .await;
    WAITING.fetch_sub(1, Ordering::AcqRel);
    permit
        .map(|p| Worker { _permit: p })
        .map_err(|e| Error::Account(format!("password check unavailable: {e}")))
}

/// A password job for the password threads.
type PasswordJob = Box<dyn FnOnce() + Send>;

/// The password threads: [`password_workers`] OS threads of their own (never
/// the async workers), at a lower scheduling priority (nice 10 on Linux), so
/// that when logins keep every one of them busy a page that wakes up is run
/// first and its latency stays near idle.
fn password_threads() -> &'static std::sync::Mutex<std::sync::mpsc::Sender<PasswordJob>> {
    static POOL: OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<PasswordJob>>> = OnceLock::new();
    POOL.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<PasswordJob>();
        let rx = Arc::new(std::sync::Mutex::new(rx));
        for n in 0..password_workers() {
            let rx = Arc::clone(&rx);
            // Without any thread the channel's receiver is dropped and run()
            // reports the check unavailable.
            std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })
                .ok();
        }
        std::sync::Mutex::new(tx)
    })
}

/// Lowers the calling thread's priority to the least (Linux: nice 19 for this
/// thread only). Where the system refuses, the thread runs at normal priority.
fn lower_priority() {
    let _ = thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min);
}

impl Worker {
    /// Runs argon2 work on a password thread (never on the async workers).
    async fn run<T: Send + 'static>(self, f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: PasswordJob = Box::new(move || {
            let _ = tx.send(f());
        });
        let sent = password_threads()
            .lock()
            .map_err(|_| Error::Account("password check unavailable".into()))?
            .send(job);
        if sent.is_err() {
            return Err(Error::Account("password check unavailable".into()));
        }
        let out = rx
            .await
            .map_err(|e| Error::Account(format!("password check failed: {e}")));
        drop(self);
        out
    }

    /// Whether `password` matches `hash`.
    async fn verify(self, password: &str, hash: &str) -> Result<bool> {
        let (password, hash) = (password.to_string(), hash.to_string());
        self.run(move || {
            PasswordHash::new(&hash).is_ok_and(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
        })
        .await
    }
}

/// The argon2id hash (PHC string) of a password, off the async workers.
async fn hash_password(password: &str) -> Result<String> {
    let password = password.to_string();
    password_worker()
        .await?
        .run(move || {
            Argon2::default()
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| Error::Account(format!("cannot hash the password: {e}")))
        })
        .await?
}

/// A hash to verify against when there is no real one to check (unknown user,
/// locked or disabled account), so every refusal costs the same.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        Argon2::default()
            .hash_password(b"not-a-password-0")
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Whether `password` matches `hash`, off the async workers.
async fn verify_password(password: &str, hash: &str) -> Result<bool> {
    password_worker().await?.verify(password, hash).await
}

/// 32 random bytes as hex (session, CSRF and form tokens).
pub fn random_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Account(format!("no randomness for a session token: {e}")))?;
    Ok(hex(&bytes))
}

/// A random password that meets the complexity rule: 12 characters with upper
/// and lower case letters, digits and a symbol (no look-alikes).
pub fn generate_password() -> Result<String> {
    const SETS: [&[u8]; 4] = [
        b"ABCDEFGHJKLMNPQRSTUVWXYZ",
        b"abcdefghijkmnpqrstuvwxyz",
        b"23456789",
        b"@#%+=!",
    ];
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Account(format!("no randomness for a password: {e}")))?;
    Ok(bytes
        .iter()
        .enumerate()
        .map(|(i, b)| {
            // Positions 0..4 take one of each class; the rest letters and digits.
            let set = SETS[if i < 4 { i } else { usize::from(*b) % 3 }];
            char::from(set[usize::from(*b) % set.len()])
        })
        .collect())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn token_hash(token: &str) -> String {
    hex(&Sm3::digest(token.as_bytes()))
}

/// The columns `principal` reads, in order.
const PRINCIPAL_COLUMNS: &str = "a.account_id, a.username, a.display_name, a.role, a.region_code, \
     a.institution_id, a.must_change_password, \
     COALESCE((SELECT g.name FROM regions g WHERE g.region_code = a.region_code), \
              (SELECT i.name FROM institutions i WHERE i.institution_id = a.institution_id))";
const PRINCIPAL_KINDS: [Kind; 8] = [
    Kind::Int,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Bool,
    Kind::Text,
];

fn principal(r: &[Cell]) -> Result<Principal> {
    let role = Role::parse(&r[3].text().unwrap_or_default())
        .map_err(|e| Error::Account(format!("stored role: {e}")))?;
    let region = r[4]
        .text()
        .map(|c| RegionCode::parse(&c))
        .transpose()
        .map_err(|e| Error::Account(format!("stored region: {e}")))?;
    let institution = r[5]
        .text()
        .map(|c| InstitutionId::parse(&c))
        .transpose()
        .map_err(|e| Error::Account(format!("stored institution: {e}")))?;
    let scope = DataScope::for_account(role, region, institution.as_ref())
        .map_err(|e| Error::Account(format!("stored account: {e}")))?;
    Ok(Principal {
        account_id: r[0].int(),
        username: r[1].text().unwrap_or_default(),
        display_name: r[2].text().unwrap_or_default(),
        role,
        scope,
        must_change_password: matches!(r[6], Cell::Bool(true)),
        scope_name: r[7].text(),
    })
}

/// A user name as typed, if it can be one (trimmed, no spaces or control
/// characters, at most [`MAX_USERNAME_CHARS`]).
fn username_of(typed: &str) -> Option<&str> {
    let u = typed.trim();
    (!u.is_empty()
        && u.chars().count() <= MAX_USERNAME_CHARS
        && !u.chars().any(|c| c.is_whitespace() || c.is_control()))
    .then_some(u)
}

/// Why an account cannot be anchored as asked, in the words of the form.
fn anchoring_problem(role: Role, region: Option<RegionCode>, institution: bool) -> String {
    match role {
        Role::Institution if !institution => "评价机构账号须填写所属机构编码".into(),
        Role::Province => "省级账号的所属地区须为省级代码（如 420000）".into(),
        Role::City => "市州账号的所属地区须为市州代码（如 420100）".into(),
        Role::District => "区县账号的所属地区须为区县代码（如 420102）".into(),
        _ if region.is_none() => format!("{}账号须填写所属地区", role.zh()),
        _ => format!("{}账号的所属地区或机构无效", role.zh()),
    }
}

/// The region an account's scope lies in, for [`may_manage`]: its region, or the
/// region of its institution.
async fn region_of_account<W: Writer>(
    w: &mut W,
    region: Option<RegionCode>,
    institution: Option<&str>,
) -> Result<Option<RegionCode>> {
    if region.is_some() {
        return Ok(region);
    }
    let Some(i) = institution else {
        return Ok(None);
    };
    let rows = w
        .fetch(
            "SELECT region_code FROM institutions WHERE institution_id = $1".into(),
            &[Value::Text(i.to_string().into())],
            &[Kind::Text],
        )
        .await?;
    Ok(rows
        .first()
        .and_then(|r| r[0].text())
        .and_then(|c| RegionCode::parse(&c).ok()))
}

/// The `concerning` of a log entry about an account anchored at `region`/`institution`.
fn about<'a>(region: &'a Option<RegionCode>, institution: &'a Option<String>) -> Concerning<'a> {
    match (region, institution) {
        (Some(r), _) => Concerning::Region(r),
        (None, Some(i)) => Concerning::Institution(i),
        _ => Concerning::Nothing,
    }
}

/// An account as account management reads it.
#[derive(Debug, Clone)]
struct Managed {
    account_id: i64,
    username: String,
    region: Option<RegionCode>,
    institution: Option<String>,
}

impl Store {
    /// Creates an account. The password must meet the complexity rule, the role
    /// its anchoring (a city official needs a city code, a clerk an institution),
    /// the user name must be new; `by` (the administrator or official creating it)
    /// must be allowed to manage such an account ([`may_manage`]); `None` is the
    /// platform itself (the first administrator, the demo). An account created by
    /// a person must change its initial password at its first login. Logged.
    pub async fn create_account(
        &self,
        by: Option<&Principal>,
        new: &NewAccount,
        now: NaiveDateTime,
    ) -> Result<i64> {
        let username = username_of(&new.username).ok_or_else(|| {
            Error::Account(format!(
                "用户名须为 1 至 {MAX_USERNAME_CHARS} 个字符，不含空格"
            ))
        })?;
        check_password(&new.password, username).map_err(|e| Error::Account(e.to_string()))?;
        DataScope::for_account(new.role, new.region, new.institution.as_ref()).map_err(|_| {
            Error::Account(anchoring_problem(
                new.role,
                new.region,
                new.institution.is_some(),
            ))
        })?;
        let hash = hash_password(&new.password).await?;
        let institution = new.institution.as_ref().map(|i| i.as_str().to_string());
        let region = match new.role {
            // A clerk's account is anchored at its institution only.
            Role::Institution => None,
            Role::Admin => None,
            _ => new.region,
        };
        let id = in_transaction!(self, w => {
            if let Some(i) = &institution {
                let found = region_of_account(&mut w, None, Some(i)).await?;
                if found.is_none() {
                    return Err(Error::Account(format!("机构编码 {i} 不在备案机构中")));
                }
            }
            if let Some(p) = by {
                let target = region_of_account(&mut w, region, institution.as_deref()).await?;
                if !may_manage(p.role, &p.scope, new.role, target.as_ref()) {
                    return Err(Error::Forbidden(format!(
                        "{}账号不能创建该{}账号（只能管理本辖区下级的账号）",
                        p.role.zh(),
                        new.role.zh()
                    )));
                }
            }
            let taken = w
                .fetch(
                    "SELECT account_id FROM accounts WHERE username = $1".into(),
                    &[Value::Text(username.to_string().into())],
                    &[Kind::Int],
                )
                .await?;
            if !taken.is_empty() {
                return Err(Error::Account(format!("用户名 {username} 已被使用")));
            }
            let id = w
                .insert_returning(
                    "INSERT INTO accounts (username, display_name, role, region_code, institution_id, \
                     password_hash, created_at, password_changed_at, must_change_password) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING account_id",
                    &[
                        Value::Text(username.to_string().into()),
                        Value::Text(new.display_name.trim().to_string().into()),
                        Value::Text(new.role.code().into()),
                        region.map_or(Value::Null, |r| Value::Text(r.to_string().into())),
                        institution.clone().map_or(Value::Null, |i| Value::Text(i.into())),
                        Value::Text(hash.into()),
                        Value::DateTime(now),
                        Value::DateTime(now),
                        // Someone else typed the initial password: the owner replaces it.
                        Value::Bool(by.is_some()),
                    ],
                )
                .await?;
            let actor = by.map_or_else(Actor::system, Actor::of);
            audit::append(&mut w, now, &actor, &Entry::new("create_account", Some(username))
                .concerning(about(&region, &institution))).await?;
            id
        });
        Ok(id)
    }

    /// The account `id` if `by` may manage it (not themselves).
    async fn managed(&self, by: &Principal, id: i64) -> Result<Option<Managed>> {
        if id == by.account_id {
            return Ok(None);
        }
        let row = in_transaction!(read self, w => {
            let rows = w
                .fetch(
                    "SELECT a.username, a.role, a.region_code, a.institution_id FROM accounts a \
                     WHERE a.account_id = $1"
                        .into(),
                    &[Value::Int(id)],
                    &[Kind::Text, Kind::Text, Kind::Text, Kind::Text],
                )
                .await?;
            match rows.into_iter().next() {
                None => None,
                Some(r) => {
                    let region = r[2].text().and_then(|c| RegionCode::parse(&c).ok());
                    let institution = r[3].text();
                    let target = region_of_account(&mut w, region, institution.as_deref()).await?;
                    Some((r, region, institution, target))
                }
            }
        });
        let Some((r, region, institution, target)) = row else {
            return Ok(None);
        };
        let role = Role::parse(&r[1].text().unwrap_or_default())
            .map_err(|e| Error::Account(format!("stored role: {e}")))?;
        Ok(
            may_manage(by.role, &by.scope, role, target.as_ref()).then(|| Managed {
                account_id: id,
                username: r[0].text().unwrap_or_default(),
                region,
                institution,
            }),
        )
    }

    /// The user name of account `id` if `by` may manage it.
    pub async fn managed_username(&self, by: &Principal, id: i64) -> Result<Option<String>> {
        Ok(self.managed(by, id).await?.map(|m| m.username))
    }

    /// Resets the password of account `id` (if `by` may manage it) to a new random
    /// one, which is returned to be shown once: the account must change it at its
    /// next login, its lock is lifted and all its sessions end. `None` when the
    /// account does not exist or `by` may not manage it (the two are not told apart).
    pub async fn reset_password(
        &self,
        by: &Principal,
        id: i64,
        client: Option<&str>,
        now: NaiveDateTime,
    ) -> Result<Option<(String, String)>> {
        let Some(m) = self.managed(by, id).await? else {
            return Ok(None);
        };
        let password = generate_password()?;
        let hash = hash_password(&password).await?;
        in_transaction!(self, w => {
            w.execute(
                "UPDATE accounts SET password_hash = $1, password_changed_at = $2, failed_logins = 0, \
                 locked_until = NULL, must_change_password = TRUE WHERE account_id = $3"
                    .into(),
                &[Value::Text(hash.into()), Value::DateTime(now), Value::Int(m.account_id)],
            )
            .await?;
            w.execute(
                "DELETE FROM login_sessions WHERE account_id = $1".into(),
                &[Value::Int(m.account_id)],
            )
            .await?;
            audit::append(&mut w, now, &Actor::of(by), &Entry::new("reset_password", Some(&m.username))
                .client(client)
                .concerning(about(&m.region, &m.institution))).await?;
        });
        Ok(Some((m.username, password)))
    }

    /// Sets a password as the platform itself (the demo's fresh passwords, a
    /// recovery from the command line): no change is demanded, the lock is lifted,
    /// every session of the account ends; logged as the system's act.
    pub async fn set_password(
        &self,
        username: &str,
        password: &str,
        now: NaiveDateTime,
    ) -> Result<()> {
        check_password(password, username).map_err(|e| Error::Account(e.to_string()))?;
        let hash = hash_password(password).await?;
        in_transaction!(self, w => {
            let n = w
                .execute(
                    "UPDATE accounts SET password_hash = $1, password_changed_at = $2, failed_logins = 0, \
                     locked_until = NULL, must_change_password = FALSE WHERE username = $3"
                        .into(),
                    &[Value::Text(hash.into()), Value::DateTime(now), Value::Text(username.to_string().into())],
                )
                .await?;
            if n == 0 {
                return Err(Error::Account(format!("no account named {username}")));
            }
            w.execute(
                "DELETE FROM login_sessions WHERE account_id = (SELECT account_id FROM accounts WHERE username = $1)".into(),
                &[Value::Text(username.to_string().into())],
            )
            .await?;
            audit::append(&mut w, now, &Actor::system(), &Entry::new("set_password", Some(username))).await?;
        });
        Ok(())
    }

    /// The account's own password change (self-service): the old password must be
    /// right, the new one must meet the rule and differ; every session of the
    /// account ends (the caller logs in again). Logged.
    pub async fn change_password(
        &self,
        who: &Principal,
        old: &str,
        new: &str,
        client: Option<&str>,
        now: NaiveDateTime,
    ) -> Result<std::result::Result<(), ChangeRefusal>> {
        let hash = in_transaction!(read self, w => w
            .fetch(
                "SELECT password_hash FROM accounts WHERE account_id = $1".into(),
                &[Value::Int(who.account_id)],
                &[Kind::Text],
            )
            .await?)
        .into_iter()
        .next()
        .and_then(|r| r[0].text())
        .ok_or_else(|| Error::Account(format!("no account {}", who.account_id)))?;
        if !verify_password(old, &hash).await? {
            self.log_entry(
                now,
                &Actor::of(who),
                Entry::new("change_password_failed", Some(&who.username)).client(client),
            )
            .await?;
            return Ok(Err(ChangeRefusal::WrongPassword));
        }
        if let Err(p) = check_password(new, &who.username) {
            return Ok(Err(ChangeRefusal::Weak(p)));
        }
        if new == old {
            return Ok(Err(ChangeRefusal::Weak(PasswordProblem::Unchanged)));
        }
        let hash = hash_password(new).await?;
        in_transaction!(self, w => {
            w.execute(
                "UPDATE accounts SET password_hash = $1, password_changed_at = $2, \
                 must_change_password = FALSE WHERE account_id = $3"
                    .into(),
                &[Value::Text(hash.into()), Value::DateTime(now), Value::Int(who.account_id)],
            )
            .await?;
            w.execute(
                "DELETE FROM login_sessions WHERE account_id = $1".into(),
                &[Value::Int(who.account_id)],
            )
            .await?;
            audit::append(&mut w, now, &Actor::of(who), &Entry::new("change_password", Some(&who.username)).client(client)).await?;
        });
        Ok(Ok(()))
    }

    /// How many accounts there are (a store without any gets its administrator).
    /// Every account's display name by user name: pages show people by name
    /// (a case's file records user names).
    pub async fn display_names(&self) -> Result<std::collections::HashMap<String, String>> {
        let rows: Vec<(String, String)> = in_transaction!(read self, w => {
            w.fetch_as("SELECT username, display_name FROM accounts".into(), &[]).await?
        });
        Ok(rows.into_iter().collect())
    }

    pub async fn account_count(&self) -> Result<i64> {
        let rows = in_transaction!(read self, w => w
            .fetch("SELECT COUNT(*) FROM accounts".into(), &[], &[Kind::Int])
            .await?);
        Ok(rows.first().map_or(0, |r| r[0].int()))
    }

    /// Whether an account with this user name exists.
    pub async fn account_exists(&self, username: &str) -> Result<bool> {
        let rows = in_transaction!(read self, w => w
            .fetch(
                "SELECT account_id FROM accounts WHERE username = $1".into(),
                &[Value::Text(username.to_string().into())],
                &[Kind::Int],
            )
            .await?);
        Ok(!rows.is_empty())
    }

    /// Checks a user name and password. Success opens a session and gives back
    /// the attempt's slot; a failure keeps it, and the fifth locks the account.
    /// Every attempt is logged; every refusal costs one hash verification.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: Option<&str>,
        now: NaiveDateTime,
    ) -> Result<std::result::Result<Session, LoginRefusal>> {
        let typed = username.trim();
        let logged_name = audit::cap(typed);
        let found = match username_of(typed) {
            None => None,
            Some(u) => in_transaction!(read self, w => w
                .fetch(
                    format!("SELECT {PRINCIPAL_COLUMNS}, a.password_hash, a.disabled FROM accounts a WHERE a.username = $1"),
                    &[Value::Text(u.to_string().into())],
                    &[PRINCIPAL_KINDS.as_slice(), &[Kind::Text, Kind::Bool]].concat(),
                )
                .await?)
            .into_iter()
            .next(),
        };
        let refuse = |reason: &'static str, account_id: Option<i64>| {
            let logged_name = logged_name.clone();
            async move {
                let actor = Actor {
                    account_id,
                    username: logged_name,
                    region: None,
                    institution: None,
                };
                self.log_entry(
                    now,
                    &actor,
                    Entry::new("login_failed", Some(reason)).client(client),
                )
                .await
            }
        };
        let Some(r) = found else {
            verify_password(password, dummy_hash()).await?;
            refuse("用户名不存在", None).await?;
            return Ok(Err(LoginRefusal::BadCredentials));
        };
        let p = principal(&r)?;
        if matches!(r[9], Cell::Bool(true)) {
            verify_password(password, dummy_hash()).await?;
            refuse("账号已停用", Some(p.account_id)).await?;
            return Ok(Err(LoginRefusal::Disabled));
        }
        // A worker first (a flood is refused here, before anything changes), then
        // one of the MAX_FAILED_LOGINS slots, then the check. The slot that fills
        // the count sets the lock at once, so a check that never completes (a
        // crash) cannot leave the account unlockable; a lock that has run out
        // starts the count again.
        let worker = password_worker().await?;
        let until = now + Duration::minutes(LOCKOUT_MINUTES);
        let slot = in_transaction!(self, w => w
            .fetch(
                format!(
                    "UPDATE accounts SET \
                       failed_logins = CASE WHEN locked_until <= $2 THEN 1 ELSE failed_logins + 1 END, \
                       locked_until = CASE \
                         WHEN (CASE WHEN locked_until <= $2 THEN 1 ELSE failed_logins + 1 END) >= {MAX_FAILED_LOGINS} THEN $3 \
                         WHEN locked_until <= $2 THEN NULL \
                         ELSE locked_until END \
                     WHERE account_id = $1 AND \
                       ((locked_until IS NULL AND failed_logins < {MAX_FAILED_LOGINS}) OR locked_until <= $2) \
                     RETURNING failed_logins"
                ),
                &[Value::Int(p.account_id), Value::DateTime(now), Value::DateTime(until)],
                &[Kind::Int],
            )
            .await?)
        .first()
        .map(|r| r[0].int());
        let Some(slot) = slot else {
            worker.verify(password, dummy_hash()).await?;
            refuse("账号已锁定", Some(p.account_id)).await?;
            return Ok(Err(LoginRefusal::Locked { until: None }));
        };
        let hash = r[8].text().unwrap_or_default();
        if !worker.verify(password, &hash).await? {
            let locked = slot >= i64::from(MAX_FAILED_LOGINS);
            let actor = Actor::of(&p);
            in_transaction!(self, w => {
                audit::append(&mut w, now, &actor, &Entry::new("login_failed", Some("密码错误")).client(client)).await?;
                if locked {
                    audit::append(&mut w, now, &actor, &Entry::new("account_locked", Some(&p.username)).client(client)).await?;
                }
            });
            return Ok(Err(if locked {
                LoginRefusal::Locked { until: Some(until) }
            } else {
                LoginRefusal::BadCredentials
            }));
        }
        let (token, csrf) = (random_token()?, random_token()?);
        in_transaction!(self, w => {
            w.execute(
                "UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE account_id = $1".into(),
                &[Value::Int(p.account_id)],
            )
            .await?;
            w.execute(
                "INSERT INTO login_sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, client) \
                 VALUES ($1, $2, $3, $4, $5, $6)"
                    .into(),
                &[
                    Value::Text(token_hash(&token).into()),
                    Value::Int(p.account_id),
                    Value::Text(csrf.clone().into()),
                    Value::DateTime(now),
                    Value::DateTime(now),
                    client.map_or(Value::Null, |c| Value::Text(audit::cap(c).into())),
                ],
            )
            .await?;
            audit::append(&mut w, now, &Actor::of(&p), &Entry::new("login", None).client(client)).await?;
        });
        Ok(Ok(Session {
            token,
            csrf,
            principal: p,
        }))
    }

    /// The session a browser's token names, if it is live; using it keeps it alive.
    /// An idle or expired session (and a disabled account's) is ended here.
    pub async fn session(&self, token: &str, now: NaiveDateTime) -> Result<Option<Session>> {
        let hash = token_hash(token);
        let idle_since = now - Duration::minutes(SESSION_IDLE_MINUTES);
        let born_after = now - Duration::hours(SESSION_MAX_HOURS);
        // Most requests only read: the session is touched at most once a minute.
        let row = in_transaction!(read self, w => w
            .fetch(
                format!(
                    "SELECT {PRINCIPAL_COLUMNS}, s.csrf_token, s.last_seen_at, a.disabled, s.created_at \
                     FROM login_sessions s JOIN accounts a ON a.account_id = s.account_id \
                     WHERE s.token_hash = $1"
                ),
                &[Value::Text(hash.clone().into())],
                &[PRINCIPAL_KINDS.as_slice(), &[Kind::Text, Kind::DateTime, Kind::Bool, Kind::DateTime]].concat(),
            )
            .await?)
        .into_iter()
        .next();
        let Some(r) = row else { return Ok(None) };
        let (Some(last_seen), Some(created)) = (r[9].datetime(), r[11].datetime()) else {
            return Err(Error::Account("a stored session has no times".into()));
        };
        if last_seen < idle_since || created < born_after || matches!(r[10], Cell::Bool(true)) {
            in_transaction!(self, w => w
                .execute(
                    "DELETE FROM login_sessions WHERE token_hash = $1".into(),
                    &[Value::Text(hash.into())],
                )
                .await?);
            return Ok(None);
        }
        if now - last_seen >= Duration::minutes(1) {
            in_transaction!(self, w => w
                .execute(
                    "UPDATE login_sessions SET last_seen_at = $1 WHERE token_hash = $2".into(),
                    &[Value::DateTime(now), Value::Text(hash.into())],
                )
                .await?);
        }
        Ok(Some(Session {
            token: token.to_string(),
            csrf: r[8].text().unwrap_or_default(),
            principal: principal(&r)?,
        }))
    }

    /// Ends a session (logged).
    pub async fn logout(
        &self,
        session: &Session,
        client: Option<&str>,
        now: NaiveDateTime,
    ) -> Result<()> {
        in_transaction!(self, w => {
            w.execute(
                "DELETE FROM login_sessions WHERE token_hash = $1".into(),
                &[Value::Text(token_hash(&session.token).into())],
            )
            .await?;
            audit::append(&mut w, now, &Actor::of(&session.principal), &Entry::new("logout", None).client(client)).await?;
        });
        Ok(())
    }

    /// Appends an entry to the operation log: `action` is what was done (`write`,
    /// `export`, `view_id_number`, …), `target` what it was done to.
    pub async fn log_operation(
        &self,
        who: &Principal,
        action: &str,
        target: Option<&str>,
        client: Option<&str>,
        now: NaiveDateTime,
    ) -> Result<()> {
        self.log_entry(
            now,
            &Actor::of(who),
            Entry::new(action, target).client(client),
        )
        .await
    }

    /// The newest `limit` entries of the whole operation log, skipping `offset`
    /// (for the command line and tests; pages read [`Store::operation_log_grid`],
    /// which is scoped).
    pub async fn operation_log(&self, limit: u64, offset: u64) -> Result<Vec<LogEntry>> {
        use Kind::*;
        let rows = in_transaction!(read self, w => w
            .fetch(
                format!(
                    "SELECT log_id, at, username, action, target, detail, client FROM operation_log \
                     ORDER BY log_id DESC LIMIT {limit} OFFSET {offset}"
                ),
                &[],
                &[Int, DateTime, Text, Text, Text, Text, Text],
            )
            .await?);
        rows.iter()
            .map(|r| {
                Ok(LogEntry {
                    log_id: r[0].int(),
                    at: r[1]
                        .datetime()
                        .ok_or_else(|| Error::Account("a log entry has no time".into()))?,
                    username: r[2].text().unwrap_or_default(),
                    action: r[3].text().unwrap_or_default(),
                    target: r[4].text(),
                    detail: r[5].text(),
                    client: r[6].text(),
                })
            })
            .collect()
    }

    /// The accounts `by` may manage (账号管理), newest first.
    pub async fn managed_accounts(&self, by: &Principal, paging: Paging) -> Result<Grid> {
        let mut q = Query::new(
            "FROM accounts a LEFT JOIN institutions i ON i.institution_id = a.institution_id",
        );
        let (sql, values) = crate::scope::managed_accounts(by.role, &by.scope, "a", "i");
        q.and(&sql, values);
        q.when("a.account_id", "<>", Some(Value::Int(by.account_id)));
        use Kind::*;
        Ok(in_transaction!(read self, w => grid(&mut w, &[
            ("account_id", "a.account_id", Int),
            ("username", "a.username", Text),
            ("display_name", "a.display_name", Text),
            ("role", "a.role", Text),
            ("region_code", "COALESCE(a.region_code, i.region_code)", Text),
            ("institution_id", "a.institution_id", Text),
            ("failed_logins", "a.failed_logins", Int),
            ("locked_until", "a.locked_until", DateTime),
            ("must_change_password", "a.must_change_password", Bool),
            ("disabled", "a.disabled", Bool),
            ("created_at", "a.created_at", DateTime),
        ], &q, "a.account_id DESC", Some(paging)).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_are_bounded() {
        assert_eq!(username_of("  wang "), Some("wang"));
        assert_eq!(username_of(""), None);
        assert_eq!(username_of("wang li"), None);
        assert_eq!(
            username_of(&"x".repeat(MAX_USERNAME_CHARS)).map(str::len),
            Some(64)
        );
        assert_eq!(username_of(&"x".repeat(MAX_USERNAME_CHARS + 1)), None);
    }

    #[test]
    fn generated_passwords_meet_the_rule() {
        for _ in 0..50 {
            let p = generate_password().unwrap();
            assert!(check_password(&p, "someone").is_ok(), "{p}");
        }
    }
}
