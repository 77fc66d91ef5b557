-- Push subscriptions end with the session that registered them (NOTIF-4:
-- push goes only to a logged-in app installation). Revoking a session
-- (logout, revocation, disabled account, password change) deletes its
-- subscriptions in the same transaction, and a subscription of an expired
-- session is not listed. Rows from before name no session, so no logged-in
-- installation can be shown for them: they are removed, and the app
-- registers again after its next login (MOB-2).
DELETE FROM push_subscriptions;
ALTER TABLE push_subscriptions ADD COLUMN session_id TEXT REFERENCES sessions (id);
CREATE INDEX push_subscriptions_session ON push_subscriptions (session_id);
