-- A chain is appended under a per-chain advisory lock held until commit. When a writer finds it
-- free, its event is chained in its own transaction, as before. When the chain is busy, the
-- event goes to audit_inbox in the writer's transaction instead (atomic with the change it
-- describes), and after commit the sequencer chains everything waiting in one transaction under
-- the lock. One WAL flush then serves many events: with 16 writers on one chain, holding the
-- lock through every commit had made the chain the bottleneck.
CREATE OR REPLACE FUNCTION mamori_audit_lock_key(p_tenant_id uuid) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT hashtextextended('mamori.audit_chain:' || p_tenant_id::text, 0) $$;
--> statement-breakpoint
GRANT INSERT ON audit_inbox TO mamori_app;
--> statement-breakpoint
-- Audit rows never change, in the chain or waiting to join it. One guard serves both tables: a
-- DELETE passes only while the setting named by the trigger's argument is on, which only the one
-- function allowed to remove rows sets (prune_audit_events for the chain, the sequencer for the
-- inbox). It replaces audit_events_refuse_change, with the same messages.
CREATE OR REPLACE FUNCTION mamori_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting(TG_ARGV[0], true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
DROP TRIGGER audit_events_no_update ON audit_events;
--> statement-breakpoint
DROP TRIGGER audit_events_no_truncate ON audit_events;
--> statement-breakpoint
DROP FUNCTION audit_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION mamori_refuse_change('mamori.audit_prune');
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION mamori_refuse_change('mamori.audit_prune');
--> statement-breakpoint
CREATE TRIGGER audit_inbox_no_update BEFORE UPDATE OR DELETE ON audit_inbox
  FOR EACH ROW EXECUTE FUNCTION mamori_refuse_change('mamori.audit_sequence');
--> statement-breakpoint
CREATE TRIGGER audit_inbox_no_truncate BEFORE TRUNCATE ON audit_inbox
  FOR EACH STATEMENT EXECUTE FUNCTION mamori_refuse_change('mamori.audit_sequence');
--> statement-breakpoint
-- Returns the event's sequence number, or NULL when it waits in audit_inbox for the sequencer.
-- With p_wait the writer queues for the chain instead, so its event is chained in its own
-- transaction: for callers that count events right after appending one, where concurrent
-- writers must see each other's events. Every path to a chain head takes the advisory lock
-- first, so the head row itself is never waited on.
DROP FUNCTION mamori_append_audit(uuid, uuid, timestamptz, uuid, text, text, text, text, text, text, text, uuid, jsonb, bytea);
--> statement-breakpoint
CREATE FUNCTION mamori_append_audit(
  p_tenant_id uuid, p_id uuid, p_occurred_at timestamptz, p_actor_operator_id uuid, p_actor_login_id text,
  p_action text, p_target_type text, p_target_id text, p_outcome text, p_ip text, p_user_agent text,
  p_session_id uuid, p_details jsonb, p_digest bytea, p_wait boolean DEFAULT false
) RETURNS bigint LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
  v_seq bigint;
  v_hash bytea;
BEGIN
  IF p_wait THEN
    PERFORM pg_advisory_xact_lock(mamori_audit_lock_key(p_tenant_id));
  ELSIF NOT pg_try_advisory_xact_lock(mamori_audit_lock_key(p_tenant_id)) THEN
    INSERT INTO audit_inbox (tenant_id, id, occurred_at, actor_operator_id, actor_login_id, action,
      target_type, target_id, outcome, ip, user_agent, session_id, details, digest)
    VALUES (p_tenant_id, p_id, p_occurred_at, p_actor_operator_id, p_actor_login_id, p_action,
      p_target_type, p_target_id, p_outcome, p_ip, p_user_agent, p_session_id, p_details, p_digest);
    RETURN NULL;
  END IF;
  UPDATE audit_chains
     SET last_seq = last_seq + 1, head_hash = sha256(head_hash || int8send(last_seq + 1) || p_digest)
   WHERE tenant_id = p_tenant_id
  RETURNING last_seq, head_hash INTO v_seq, v_hash;
  IF v_seq IS NULL THEN
    RAISE EXCEPTION 'no audit chain for tenant %', p_tenant_id;
  END IF;
  INSERT INTO audit_events (tenant_id, seq, id, occurred_at, actor_operator_id, actor_login_id, action,
    target_type, target_id, outcome, ip, user_agent, session_id, details, hash)
  VALUES (p_tenant_id, v_seq, p_id, p_occurred_at, p_actor_operator_id, p_actor_login_id, p_action,
    p_target_type, p_target_id, p_outcome, p_ip, p_user_agent, p_session_id, p_details, v_hash);
  RETURN v_seq;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION mamori_append_audit(uuid, uuid, timestamptz, uuid, text, text, text, text, text, text, text, uuid, jsonb, bytea, boolean) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION mamori_append_audit(uuid, uuid, timestamptz, uuid, text, text, text, text, text, text, text, uuid, jsonb, bytea, boolean) TO mamori_app;
--> statement-breakpoint
-- Chains a tenant's waiting events in arrival order and returns how many. With p_ids, a caller
-- waiting for its own events returns at once when someone else has already chained them. Run it
-- as a statement of its own: the lock is then held for this work and its commit only.
CREATE OR REPLACE FUNCTION mamori_sequence_audit(p_tenant_id uuid, p_ids uuid[] DEFAULT NULL) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  r record;
  v_seq bigint;
  v_hash bytea;
  v_taken uuid[] := '{}';
BEGIN
  IF p_ids IS NOT NULL AND NOT EXISTS (SELECT 1 FROM audit_inbox WHERE tenant_id = p_tenant_id AND id = ANY (p_ids)) THEN
    RETURN 0;
  END IF;
  PERFORM pg_advisory_xact_lock(mamori_audit_lock_key(p_tenant_id));
  SELECT last_seq, head_hash INTO v_seq, v_hash FROM audit_chains WHERE tenant_id = p_tenant_id;
  IF v_seq IS NULL THEN
    RAISE EXCEPTION 'no audit chain for tenant %', p_tenant_id;
  END IF;
  FOR r IN SELECT * FROM audit_inbox WHERE tenant_id = p_tenant_id ORDER BY n LOOP
    v_seq := v_seq + 1;
    v_hash := sha256(v_hash || int8send(v_seq) || r.digest);
    INSERT INTO audit_events (tenant_id, seq, id, occurred_at, actor_operator_id, actor_login_id, action,
      target_type, target_id, outcome, ip, user_agent, session_id, details, hash)
    VALUES (r.tenant_id, v_seq, r.id, r.occurred_at, r.actor_operator_id, r.actor_login_id, r.action,
      r.target_type, r.target_id, r.outcome, r.ip, r.user_agent, r.session_id, r.details, v_hash);
    v_taken := v_taken || r.id;
  END LOOP;
  IF cardinality(v_taken) > 0 THEN
    PERFORM set_config('mamori.audit_sequence', 'on', true);
    DELETE FROM audit_inbox WHERE tenant_id = p_tenant_id AND id = ANY (v_taken);
    PERFORM set_config('mamori.audit_sequence', 'off', true);
    UPDATE audit_chains SET last_seq = v_seq, head_hash = v_hash WHERE tenant_id = p_tenant_id;
  END IF;
  RETURN cardinality(v_taken);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION mamori_sequence_audit(uuid, uuid[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION mamori_sequence_audit(uuid, uuid[]) TO mamori_app;
--> statement-breakpoint
-- For the sweep that picks up events whose writer stopped between its commit and the sequencer.
CREATE OR REPLACE FUNCTION mamori_audit_waiting_tenants() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$ SELECT DISTINCT tenant_id FROM audit_inbox $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION mamori_audit_waiting_tenants() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION mamori_audit_waiting_tenants() TO mamori_app;
--> statement-breakpoint
-- mamori_start_session as in 0033, except that login.succeeded queues for the chain (p_wait): a
-- login's call is usually a statement of its own, which holds the chain for its work and commit
-- only, so waiting costs less than the inbox's second transaction.
CREATE OR REPLACE FUNCTION mamori_start_session(
  p_tenant_id uuid, p_operator_id uuid, p_session_id uuid, p_token_hash text, p_at timestamptz,
  p_expires_at timestamptz, p_ip text, p_user_agent text, p_mfa_verified_at timestamptz, p_password_expired boolean,
  p_event_id uuid, p_event_login_id text, p_event_user_agent text, p_details jsonb, p_digest bytea
) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE operators SET failed_login_count = 0, last_failed_login_at = NULL,
         previous_login_at = last_login_at, previous_login_ip = last_login_ip,
         last_login_at = p_at, last_login_ip = p_ip,
         must_change_password = must_change_password OR p_password_expired
   WHERE tenant_id = p_tenant_id AND id = p_operator_id;
  UPDATE tenants SET last_activity_at = p_at
   WHERE id = p_tenant_id AND last_activity_at < p_at - interval '1 minute';
  UPDATE rotation_targets SET seen_at = p_at
   WHERE tenant_id = p_tenant_id AND operator_id = p_operator_id
     AND status IN ('pending', 'locked') AND seen_at IS NULL;
  INSERT INTO sessions (tenant_id, id, operator_id, token_hash, created_at, last_seen_at, expires_at, ip, user_agent, mfa_verified_at)
  VALUES (p_tenant_id, p_session_id, p_operator_id, p_token_hash, p_at, p_at, p_expires_at, p_ip, p_user_agent, p_mfa_verified_at);
  RETURN mamori_append_audit(p_tenant_id, p_event_id, p_at, p_operator_id, p_event_login_id, 'login.succeeded',
    'session', p_session_id::text, 'success', p_ip, p_event_user_agent, p_session_id, p_details, p_digest, true);
END $$;
