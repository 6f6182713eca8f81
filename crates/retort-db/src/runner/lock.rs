//! The migration lock every run takes before it reads the version rows.
//!
//! SQLite's lock is a file lock ([`Connection::lock`]): one machine, no
//! proxy, released by the operating system when a run dies. On a server,
//! session locks (`pg_advisory_lock`, `GET_LOCK`) hold on one node only
//! and are lost behind a transaction-pooling proxy, so the lock is a row
//! of the lock table ([`LockTable`]), taken by a committed write:
//!
//! 1. `INSERT` the row unless one exists; one row inserted: taken. A
//!    cluster's certification conflict between two nodes inserting at
//!    once fails one of them, which looks again.
//! 2. Held by someone else: when its lease has ended (the holder stopped
//!    renewing it: it died), or its process is gone from this very
//!    machine, delete that holder's row and try again; otherwise say once
//!    who holds it, and wait, up to the lock timeout.
//! 3. While held, a thread with a connection of its own renews the lease
//!    every third of it. Each revision's commit also renews it, checking
//!    that the row is still this run's: a run that lost its lock stops
//!    before it records anything more.
//! 4. Released by deleting the row (also by `retort unlock`, by hand).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{LOCK_NAME, Progress, RunError, RunOptions, Tables};
use crate::connection::Connection;
use crate::error::DbError;
use crate::lock_table::{LockHolder, LockTable};
use crate::url::DatabaseUrl;

/// The first pause between two looks at a held lock; it grows to
/// [`MAX_POLL`].
const FIRST_POLL: Duration = Duration::from_millis(50);
const MAX_POLL: Duration = Duration::from_millis(500);
/// How many times releasing the lock is tried again after a transient
/// error (a Galera certification conflict).
const RELEASE_ATTEMPTS: u32 = 5;

/// A lock this run holds.
pub(crate) enum LockGuard {
    /// The connection's own lock (SQLite's file lock).
    Session,
    /// A row of the lock table.
    Row(RowLock),
}

/// The row of the lock table this run holds, and the thread renewing it.
pub(crate) struct RowLock {
    table: LockTable,
    token: String,
    lease: Duration,
    lost: Arc<AtomicBool>,
    stop: Option<mpsc::Sender<()>>,
    renewer: Option<std::thread::JoinHandle<()>>,
}

impl LockGuard {
    /// The statement that renews the lease inside a revision's transaction:
    /// it must change one row, or the lock is no longer this run's.
    pub fn fence_sql(&self, conn_dialect: crate::url::DialectName) -> Option<String> {
        match self {
            LockGuard::Session => None,
            LockGuard::Row(row) => {
                Some(
                    row.table
                        .renew_sql(conn_dialect, LOCK_NAME, &row.token, row.lease.as_secs()),
                )
            }
        }
    }

    /// True when the renewing thread found the lock taken by another run.
    pub fn lost(&self) -> bool {
        match self {
            LockGuard::Session => false,
            LockGuard::Row(row) => row.lost.load(Ordering::SeqCst),
        }
    }

    /// Releases the lock: stops the renewing thread, deletes the row.
    pub fn release(self, conn: &mut dyn Connection) -> Result<(), DbError> {
        match self {
            LockGuard::Session => conn.unlock(LOCK_NAME),
            LockGuard::Row(mut row) => {
                row.stop_renewing();
                let sql = row.table.release_sql(conn.dialect(), LOCK_NAME, &row.token);
                // A transaction left open by a failure is rolled back first:
                // releasing never commits half a revision.
                let _ = conn.rollback();
                // On a Galera cluster the delete can lose a certification
                // conflict (a deadlock error) to a run on another node
                // taking over a row it still sees: try again.
                let mut attempt = 0;
                loop {
                    match conn.execute(&sql) {
                        Err(DbError::Statement {
                            transient: true, ..
                        }) if attempt < RELEASE_ATTEMPTS => {
                            attempt += 1;
                            std::thread::sleep(FIRST_POLL * attempt);
                        }
                        other => return other.map(drop),
                    }
                }
            }
        }
    }
}

impl RowLock {
    fn stop_renewing(&mut self) {
        self.stop.take();
        if let Some(handle) = self.renewer.take() {
            let _ = handle.join();
        }
    }
}

impl Drop for RowLock {
    fn drop(&mut self) {
        self.stop_renewing();
    }
}

/// Takes the migration lock of the database `conn` is connected to.
pub(crate) fn acquire(
    conn: &mut dyn Connection,
    tables: &Tables,
    opts: &RunOptions,
    progress: &mut dyn Progress,
) -> Result<LockGuard, RunError> {
    if conn.session_lock_is_exclusive() {
        conn.lock(LOCK_NAME, opts.lock_timeout)?;
        return Ok(LockGuard::Session);
    }
    let table = &tables.lock;
    let dialect = conn.dialect();
    if conn.query_column(&table.exists_sql(dialect))?.is_empty()
        && let Err(e) = conn.execute(&table.create_sql(dialect))
    {
        // Runs that start at once all create the table, before any holds
        // the lock; PostgreSQL may refuse all but one even with `IF NOT
        // EXISTS`. The table being there is all that matters.
        if conn.query_column(&table.exists_sql(dialect))?.is_empty() {
            return Err(e.into());
        }
    }
    let me = this_process();
    let lease = opts.lock_lease.max(Duration::from_secs(3));
    let started = Instant::now();
    let mut poll = FIRST_POLL;
    let mut told = false;
    loop {
        match conn.execute(&table.acquire_sql(dialect, LOCK_NAME, &me, lease.as_secs())) {
            Ok(1) => break,
            Ok(_)
            | Err(DbError::Statement {
                transient: true, ..
            }) => {}
            Err(e) => return Err(e.into()),
        }
        let Some(holder) = read_holder(conn, table)? else {
            continue;
        };
        if holder.expired() || gone_from_here(&holder, &me) {
            match conn.execute(&table.release_sql(dialect, LOCK_NAME, &holder.token)) {
                Ok(_) => {}
                // A Galera certification conflict with the holder's own
                // release replicated from another node: look again.
                Err(DbError::Statement {
                    transient: true, ..
                }) => {
                    std::thread::sleep(poll);
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
            let why = if holder.expired() {
                "its lease had ended"
            } else {
                "its process is gone"
            };
            progress.note(&format!(
                "took over the migration lock of {} on {}: {why}",
                holder.describe(),
                conn.url()
            ));
            continue;
        }
        if !told {
            progress.note(&format!(
                "waiting for the migration lock on {}: held by {}",
                conn.url(),
                holder.describe()
            ));
            told = true;
        }
        if started.elapsed() >= opts.lock_timeout {
            return Err(DbError::LockTimeout {
                url: conn.url().masked().to_owned(),
                name: LOCK_NAME.to_owned(),
                holder: holder.describe(),
                waited: opts.lock_timeout,
            }
            .into());
        }
        std::thread::sleep(poll);
        poll = (poll * 3 / 2).min(MAX_POLL);
    }
    let lost = Arc::new(AtomicBool::new(false));
    let (stop, stopped) = mpsc::channel();
    let renewer = spawn_renewer(
        conn.url().clone(),
        table.clone(),
        me.token.clone(),
        lease,
        Arc::clone(&lost),
        stopped,
    );
    Ok(LockGuard::Row(RowLock {
        table: table.clone(),
        token: me.token,
        lease,
        lost,
        stop: Some(stop),
        renewer,
    }))
}

/// The row of the lock, if any.
fn read_holder(
    conn: &mut dyn Connection,
    table: &LockTable,
) -> Result<Option<LockHolder>, DbError> {
    let sql = table.read_sql(conn.dialect(), LOCK_NAME);
    let Some(row) = conn.query_strings(&sql)?.into_iter().next() else {
        return Ok(None);
    };
    let text = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
    let number = |i: usize| text(i).trim().parse::<i64>().unwrap_or_default();
    Ok(Some(LockHolder {
        token: text(0),
        host: text(1),
        pid: u64::try_from(number(2)).unwrap_or_default(),
        machine: text(3),
        started_at: number(4),
        expires_at: number(5),
        now: number(6),
    }))
}

/// Who holds the lock now, for `retort unlock` and `current`.
pub(crate) fn holder(
    conn: &mut dyn Connection,
    tables: &Tables,
) -> Result<Option<LockHolder>, DbError> {
    if conn.session_lock_is_exclusive()
        || conn
            .query_column(&tables.lock.exists_sql(conn.dialect()))?
            .is_empty()
    {
        return Ok(None);
    }
    read_holder(conn, &tables.lock)
}

/// Renews the lease every third of it, on a connection of its own, until
/// told to stop; marks the lock lost when the row is no longer this run's.
fn spawn_renewer(
    url: DatabaseUrl,
    table: LockTable,
    token: String,
    lease: Duration,
    lost: Arc<AtomicBool>,
    stop: mpsc::Receiver<()>,
) -> Option<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("retort-lock-lease".into())
        .spawn(move || {
            let mut conn: Option<Box<dyn Connection>> = None;
            let every = lease / 3;
            while let Err(mpsc::RecvTimeoutError::Timeout) = stop.recv_timeout(every) {
                if conn.is_none() {
                    conn = crate::connect(&url).ok();
                }
                let Some(c) = conn.as_mut() else { continue };
                let sql = table.renew_sql(c.dialect(), LOCK_NAME, &token, lease.as_secs());
                match c.execute(&sql) {
                    Ok(1) => {}
                    Ok(_) => {
                        lost.store(true, Ordering::SeqCst);
                        return;
                    }
                    // A dropped connection: open another at the next tick.
                    Err(_) => conn = None,
                }
            }
        })
        .ok()
}

/// This process, as the lock row records it.
fn this_process() -> LockHolder {
    let token = format!(
        "{}{}",
        retort_core::RevisionId::generate(),
        retort_core::RevisionId::generate()
    );
    LockHolder {
        token,
        host: host_name(),
        pid: u64::from(std::process::id()),
        machine: machine_id(),
        started_at: 0,
        expires_at: 0,
        now: 0,
    }
}

fn host_name() -> String {
    read_trimmed("/proc/sys/kernel/hostname")
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The boot id and the process id namespace: two processes with the same
/// value see the same process ids. Empty where unknown (never trusted).
fn machine_id() -> String {
    let boot = read_trimmed("/proc/sys/kernel/random/boot_id");
    let ns = std::fs::read_link("/proc/self/ns/pid")
        .ok()
        .map(|p| p.display().to_string());
    match (boot, ns) {
        (Some(boot), Some(ns)) => format!("{boot}/{ns}"),
        _ => String::new(),
    }
}

fn read_trimmed(path: &str) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// True when `holder` ran on this machine, in this process namespace, and
/// its process no longer exists: it died without releasing the lock.
fn gone_from_here(holder: &LockHolder, me: &LockHolder) -> bool {
    !me.machine.is_empty()
        && holder.machine == me.machine
        && holder.host == me.host
        && holder.pid != 0
        && !std::path::Path::new(&format!("/proc/{}", holder.pid)).exists()
}
