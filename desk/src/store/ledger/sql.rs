//! The statements both ledgers run word for word, written once with
//! SQLite's `?N` placeholders; [`pg`] gives PostgreSQL's `$N` form. Only
//! statements whose dialects truly differ (full-text search, serial
//! allocation, arrays, upserts of whole rows) stay in each backend.

/// Set a meta value.
pub(super) const SET_META: &str = "INSERT INTO meta (key, value) VALUES (?1, ?2)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value";

/// A message went out: (serial, message id, when).
pub(super) const OUTBOX_SENT: &str =
    "UPDATE outbox SET state = 'sent', sent_at = ?3, attempts = attempts + 1, last_error = NULL
    WHERE serial = ?1 AND message_id = ?2 AND state = 'pending'";

/// A message to try again: (serial, attempts, when next, why).
pub(super) const OUTBOX_RETRY: &str =
    "UPDATE outbox SET attempts = ?2, next_attempt_at = ?3, last_error = ?4
    WHERE serial = ?1 AND state = 'pending'";

/// A message refused for good: (serial, why).
pub(super) const OUTBOX_FAILED: &str =
    "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?2
    WHERE serial = ?1 AND state = 'pending'";

/// Queue a badge's message again: (serial, message id, recipient, when).
pub(super) const OUTBOX_REQUEUE: &str =
    "INSERT INTO outbox (serial, message_id, recipient, state, next_attempt_at, queued_at)
    VALUES (?1, ?2, ?3, 'pending', ?4, ?4)
    ON CONFLICT (serial) DO UPDATE SET state = 'pending', message_id = excluded.message_id,
    recipient = excluded.recipient, next_attempt_at = excluded.next_attempt_at,
    attempts = 0, last_error = NULL, sent_at = NULL";

/// Every recorded pass.
pub(super) const ALL_PASSES: &str =
    "SELECT recipient, exam, passed_on, recorded_at FROM passes ORDER BY recipient, exam";

/// Revoke a badge: (serial, when, why).
pub(super) const REVOKE: &str =
    "UPDATE badges SET state = 'revoked', revoked_at = ?2, revocation_reason = ?3
    WHERE serial = ?1 AND state != 'revoked'";

/// A badge private or not: (serial, private).
pub(super) const SET_PRIVATE: &str = "UPDATE badges SET private = ?2 WHERE serial = ?1";

/// A key's revoked serials: (kid).
pub(super) const REVOKED_SERIALS: &str =
    "SELECT serial FROM badges WHERE kid = ?1 AND state = 'revoked' ORDER BY serial";

/// Suspend a badge not revoked: (serial, why, when).
pub(super) const SUSPEND: &str = "INSERT INTO suspensions (serial, reason, suspended_at)
    SELECT serial, ?2, ?3 FROM badges WHERE serial = ?1 AND state != 'revoked'
    ON CONFLICT DO NOTHING";

/// Lift a suspension: (serial).
pub(super) const REINSTATE: &str = "DELETE FROM suspensions WHERE serial = ?1";

/// Stop trusting a key: (public key).
pub(super) const UNTRUST: &str = "DELETE FROM trusted WHERE public_key = ?1";

/// A meta value: (key).
pub(super) const META: &str = "SELECT value FROM meta WHERE key = ?1";

/// `sql` with its `?N` placeholders written `$N` (PostgreSQL's form).
pub(super) fn pg(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_and_nothing_else_changes() {
        assert_eq!(
            pg("UPDATE t SET a = ?2, b = '?' WHERE c = ?1 AND d = ?10"),
            "UPDATE t SET a = $2, b = '?' WHERE c = $1 AND d = $10"
        );
    }
}
