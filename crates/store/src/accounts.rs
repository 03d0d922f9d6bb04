//! Accounts, logins, sessions and the operation log (操作日志).
//!
//! - Passwords are checked for complexity (`domain::access::check_password`) and
//!   kept only as argon2id hashes.
//! - [`MAX_FAILED_LOGINS`] failures in a row lock an account for
//!   [`LOCKOUT_MINUTES`]; a success resets the count. The check and the update are
//!   one transaction, so parallel guesses cannot slip past the limit.
//! - A session is a random 256-bit token given to the browser; the store keeps its
//!   SM3 hash, the account, a CSRF token and when it was last used. After
//!   [`SESSION_IDLE_MINUTES`] without use it is gone.
//! - Every login (and failed login), write, export and view of a full ID number is
//!   appended to the operation log with who, when, what and from where.
//!
//! The clock is a parameter (`now`) so the rules can be tested without waiting.

use crate::Store;
use crate::error::{Error, Result};
use crate::tx::{Cell, Cells, Kind, Writer, in_transaction};
use crate::value::Value;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{Duration, NaiveDateTime};
use domain::RegionCode;
use domain::access::{
    DataScope, LOCKOUT_MINUTES, MAX_FAILED_LOGINS, Role, SESSION_IDLE_MINUTES, check_password,
};
use domain::ids::InstitutionId;
use sm3::{Digest, Sm3};

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

/// Why a login was refused (the page says no more than "wrong user name or
/// password" for the first two, so names cannot be probed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginRefusal {
    /// Unknown user name or wrong password; `remaining` attempts before the lock
    /// (`None` for an unknown name).
    BadCredentials { remaining: Option<u32> },
    /// Locked after too many failures, until this time.
    Locked { until: NaiveDateTime },
    /// The account was disabled by an administrator.
    Disabled,
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

/// The argon2id hash (PHC string) of a password.
fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Account(format!("cannot hash the password: {e}")))
}

/// A hash to verify against when the user name is unknown.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not-a-password-0").unwrap_or_default())
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// 32 random bytes as hex.
fn random_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Account(format!("no randomness for a session token: {e}")))?;
    Ok(hex(&bytes))
}

/// A random initial password that meets the complexity rule: 12 characters
/// with upper and lower case letters, digits and a symbol (no look-alikes).
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
const PRINCIPAL_COLUMNS: &str =
    "a.account_id, a.username, a.display_name, a.role, a.region_code, a.institution_id";
const PRINCIPAL_KINDS: [Kind; 6] = [
    Kind::Int,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
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
    })
}

/// Appends to the operation log inside a transaction.
async fn log<W: Writer>(
    w: &mut W,
    at: NaiveDateTime,
    who: (Option<i64>, &str),
    action: &str,
    target: Option<&str>,
    client: Option<&str>,
) -> Result<()> {
    let opt = |s: Option<&str>| s.map_or(Value::Null, |s| Value::Text(s.to_string().into()));
    w.execute(
        "INSERT INTO operation_log (at, account_id, username, action, target, client) \
         VALUES ($1, $2, $3, $4, $5, $6)"
            .into(),
        &[
            Value::DateTime(at),
            who.0.map_or(Value::NullInt, Value::Int),
            Value::Text(who.1.to_string().into()),
            Value::Text(action.to_string().into()),
            opt(target),
            opt(client),
        ],
    )
    .await?;
    Ok(())
}

impl Store {
    /// Creates an account. The password must meet the complexity rule, the role
    /// its anchoring (a city official needs a city code, a clerk an institution),
    /// the user name must be new; `by` (the administrator or official creating it)
    /// must cover the new account's scope. The creation is logged.
    pub async fn create_account(
        &self,
        by: Option<&Principal>,
        new: &NewAccount,
        now: NaiveDateTime,
    ) -> Result<i64> {
        let username = new.username.trim();
        if username.is_empty()
            || username
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::Account(
                "a user name is required, without spaces".into(),
            ));
        }
        check_password(&new.password, username).map_err(|e| Error::Account(e.to_string()))?;
        let scope = DataScope::for_account(new.role, new.region, new.institution.as_ref())
            .map_err(|e| Error::Account(e.to_string()))?;
        if let Some(p) = by
            && !(p.role == Role::Admin || (p.role.is_official() && p.scope.covers(&scope)))
        {
            return Err(Error::Forbidden(format!(
                "{} may not create an account outside their scope",
                p.username
            )));
        }
        let hash = hash_password(&new.password)?;
        let id = in_transaction!(self, w => {
            let taken = w
                .fetch(
                    "SELECT account_id FROM accounts WHERE username = $1".into(),
                    &[Value::Text(username.to_string().into())],
                    &[Kind::Int],
                )
                .await?;
            if !taken.is_empty() {
                return Err(Error::Account(format!("the user name {username} is taken")));
            }
            let id = w
                .insert_returning(
                    "INSERT INTO accounts (username, display_name, role, region_code, institution_id, \
                     password_hash, created_at, password_changed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING account_id",
                    &[
                        Value::Text(username.to_string().into()),
                        Value::Text(new.display_name.trim().to_string().into()),
                        Value::Text(new.role.code().into()),
                        new.region.map_or(Value::Null, |r| Value::Text(r.to_string().into())),
                        new.institution
                            .as_ref()
                            .map_or(Value::Null, |i| Value::Text(i.as_str().to_string().into())),
                        Value::Text(hash.into()),
                        Value::DateTime(now),
                        Value::DateTime(now),
                    ],
                )
                .await?;
            let actor = by.map_or((None, "system"), |p| (Some(p.account_id), p.username.as_str()));
            log(&mut w, now, actor, "create_account", Some(username), None).await?;
            id
        });
        Ok(id)
    }

    /// Sets a new password (complexity checked) and unlocks the account; the
    /// change is logged. `by` is who did it (`None`: the system, e.g. the demo).
    pub async fn set_password(
        &self,
        by: Option<&Principal>,
        username: &str,
        password: &str,
        now: NaiveDateTime,
    ) -> Result<()> {
        check_password(password, username).map_err(|e| Error::Account(e.to_string()))?;
        let hash = hash_password(password)?;
        in_transaction!(self, w => {
            let n = w
                .execute(
                    "UPDATE accounts SET password_hash = $1, password_changed_at = $2, failed_logins = 0, \
                     locked_until = NULL WHERE username = $3"
                        .into(),
                    &[Value::Text(hash.into()), Value::DateTime(now), Value::Text(username.to_string().into())],
                )
                .await?;
            if n == 0 {
                return Err(Error::Account(format!("no account named {username}")));
            }
            let actor = by.map_or((None, "system"), |p| (Some(p.account_id), p.username.as_str()));
            log(&mut w, now, actor, "set_password", Some(username), None).await?;
        });
        Ok(())
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

    /// Checks a user name and password. Success opens a session and resets the
    /// failure count; a failure counts towards the lock. Both are logged.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: Option<&str>,
        now: NaiveDateTime,
    ) -> Result<std::result::Result<Session, LoginRefusal>> {
        let username = username.trim();
        let row: Option<Cells> = in_transaction!(read self, w => w
            .fetch(
                format!(
                    "SELECT {PRINCIPAL_COLUMNS}, a.password_hash, a.failed_logins, a.locked_until, a.disabled \
                     FROM accounts a WHERE a.username = $1"
                ),
                &[Value::Text(username.to_string().into())],
                &[PRINCIPAL_KINDS.as_slice(), &[Kind::Text, Kind::Int, Kind::DateTime, Kind::Bool]].concat(),
            )
            .await?)
        .into_iter()
        .next();
        let Some(r) = row else {
            // Spend the same time as a real check, so names cannot be probed by timing.
            verify_password(password, dummy_hash());
            in_transaction!(self, w => log(&mut w, now, (None, username), "login_failed", Some("unknown user"), client).await?);
            return Ok(Err(LoginRefusal::BadCredentials { remaining: None }));
        };
        let p = principal(&r)?;
        if matches!(r[9], Cell::Bool(true)) {
            in_transaction!(self, w => log(&mut w, now, (Some(p.account_id), username), "login_failed", Some("disabled"), client).await?);
            return Ok(Err(LoginRefusal::Disabled));
        }
        if let Some(until) = r[8].datetime().filter(|u| *u > now) {
            in_transaction!(self, w => log(&mut w, now, (Some(p.account_id), username), "login_failed", Some("locked"), client).await?);
            return Ok(Err(LoginRefusal::Locked { until }));
        }
        let hash = r[6].text().unwrap_or_default();
        if !verify_password(password, &hash) {
            let refusal = in_transaction!(self, w => {
                // Count in the database, not from the value read above, so that
                // concurrent attempts all count.
                w.execute(
                    "UPDATE accounts SET failed_logins = failed_logins + 1 WHERE account_id = $1".into(),
                    &[Value::Int(p.account_id)],
                )
                .await?;
                let failed = w
                    .fetch(
                        "SELECT failed_logins FROM accounts WHERE account_id = $1".into(),
                        &[Value::Int(p.account_id)],
                        &[Kind::Int],
                    )
                    .await?
                    .first()
                    .map_or(0, |r| r[0].int()) as u32;
                let refusal = if failed >= MAX_FAILED_LOGINS {
                    let until = now + Duration::minutes(LOCKOUT_MINUTES);
                    w.execute(
                        "UPDATE accounts SET failed_logins = 0, locked_until = $1 WHERE account_id = $2".into(),
                        &[Value::DateTime(until), Value::Int(p.account_id)],
                    )
                    .await?;
                    log(&mut w, now, (Some(p.account_id), username), "account_locked", None, client).await?;
                    LoginRefusal::Locked { until }
                } else {
                    LoginRefusal::BadCredentials { remaining: Some(MAX_FAILED_LOGINS - failed) }
                };
                log(&mut w, now, (Some(p.account_id), username), "login_failed", Some("wrong password"), client).await?;
                refusal
            });
            return Ok(Err(refusal));
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
                    client.map_or(Value::Null, |c| Value::Text(c.to_string().into())),
                ],
            )
            .await?;
            log(&mut w, now, (Some(p.account_id), username), "login", None, client).await?;
        });
        Ok(Ok(Session {
            token,
            csrf,
            principal: p,
        }))
    }

    /// The session a browser's token names, if it is live; using it keeps it alive.
    /// An idle session (and a disabled account's) is ended here.
    pub async fn session(&self, token: &str, now: NaiveDateTime) -> Result<Option<Session>> {
        let hash = token_hash(token);
        let idle_since = now - Duration::minutes(SESSION_IDLE_MINUTES);
        // Most requests only read: the session is touched at most once a minute.
        let row = in_transaction!(read self, w => w
            .fetch(
                format!(
                    "SELECT {PRINCIPAL_COLUMNS}, s.csrf_token, s.last_seen_at, a.disabled \
                     FROM login_sessions s JOIN accounts a ON a.account_id = s.account_id \
                     WHERE s.token_hash = $1"
                ),
                &[Value::Text(hash.clone().into())],
                &[PRINCIPAL_KINDS.as_slice(), &[Kind::Text, Kind::DateTime, Kind::Bool]].concat(),
            )
            .await?)
        .into_iter()
        .next();
        let Some(r) = row else { return Ok(None) };
        let last_seen = r[7].datetime().unwrap_or_default();
        if last_seen < idle_since || matches!(r[8], Cell::Bool(true)) {
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
            csrf: r[6].text().unwrap_or_default(),
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
            let p = &session.principal;
            log(&mut w, now, (Some(p.account_id), &p.username), "logout", None, client).await?;
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
        in_transaction!(self, w => log(&mut w, now, (Some(who.account_id), &who.username), action, target, client).await?);
        Ok(())
    }

    /// The newest `limit` entries of the operation log, skipping `offset`.
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
        Ok(rows
            .iter()
            .map(|r| LogEntry {
                log_id: r[0].int(),
                at: r[1].datetime().unwrap_or_default(),
                username: r[2].text().unwrap_or_default(),
                action: r[3].text().unwrap_or_default(),
                target: r[4].text(),
                detail: r[5].text(),
                client: r[6].text(),
            })
            .collect())
    }
}
