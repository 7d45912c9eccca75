-- Audit rows enter only through the database's own door. The audit tables and the functions that
-- write them belong to mamori_audit, a role nobody logs in as; the app role may read events and
-- chain heads, and call the door, which takes an event's fields only: the id, the time, the
-- digest, the sequence number and the hash are made here, never by the caller.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mamori_audit') THEN
    CREATE ROLE mamori_audit NOLOGIN;
  END IF;
  -- The checkpoint signer reads chains and stores what it signed; it writes nothing else.
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mamori_signer') THEN
    CREATE ROLE mamori_signer NOLOGIN;
  END IF;
END $$;
--> statement-breakpoint
-- Whoever migrates hands objects to mamori_audit and connects the signer role.
GRANT mamori_audit, mamori_signer TO CURRENT_USER;
--> statement-breakpoint
INSERT INTO audit_settings (id) VALUES (true) ON CONFLICT DO NOTHING;
--> statement-breakpoint
ALTER TABLE audit_settings ADD CONSTRAINT audit_settings_one_row CHECK (id);
--> statement-breakpoint
ALTER TABLE audit_events ADD CONSTRAINT audit_events_outcome_check CHECK (outcome IN ('success', 'failure', 'denied'));
--> statement-breakpoint
ALTER TABLE audit_events OWNER TO mamori_audit;
--> statement-breakpoint
ALTER TABLE audit_inbox OWNER TO mamori_audit;
--> statement-breakpoint
ALTER TABLE audit_chains OWNER TO mamori_audit;
--> statement-breakpoint
ALTER TABLE audit_checkpoints OWNER TO mamori_audit;
--> statement-breakpoint
ALTER TABLE audit_settings OWNER TO mamori_audit;
--> statement-breakpoint
ALTER FUNCTION mamori_refuse_change() OWNER TO mamori_audit;
--> statement-breakpoint
REVOKE ALL ON audit_events, audit_inbox, audit_chains, audit_checkpoints, audit_settings FROM mamori_app;
--> statement-breakpoint
GRANT SELECT ON audit_events, audit_chains, audit_checkpoints TO mamori_app;
--> statement-breakpoint
GRANT SELECT ON audit_events, audit_chains, audit_checkpoints TO mamori_signer;
--> statement-breakpoint
-- A jsonb number that is an integer within 2^53, written as plain digits.
CREATE FUNCTION mamori_safe_integer(n jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT n::text ~ '^-?(0|[1-9][0-9]{0,15})$' AND abs(n::text::numeric) <= 9007199254740991
$$;
--> statement-breakpoint
ALTER FUNCTION mamori_safe_integer(jsonb) OWNER TO mamori_audit;
--> statement-breakpoint
-- The door's clock: the database's, so no caller can date an event. A test database (and only
-- one, whose audit_settings row says so) shifts it by the tests' clock offset; without an offset
-- set, nothing else is read.
CREATE FUNCTION mamori_now() RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_offset text := coalesce(current_setting('app.clock_offset_ms', true), '');
BEGIN
  IF v_offset = '' OR NOT (SELECT test_clock FROM public.audit_settings) THEN
    RETURN now();
  END IF;
  RETURN now() + v_offset::bigint * interval '1 millisecond';
END $$;
--> statement-breakpoint
ALTER FUNCTION mamori_now() OWNER TO mamori_audit;
--> statement-breakpoint
REVOKE ALL ON FUNCTION mamori_now() FROM PUBLIC;
--> statement-breakpoint
-- Canonical JSON, as lib/audit/canonical.ts writes it: keys sorted by code point, no
-- whitespace, strings as jsonb writes them. Numbers must be integers within 2^53, which every JSON
-- reader gives back digit for digit (the app writes any other number as text): otherwise an
-- offline verifier would read the event differently from the database that hashed it.
-- PL/pgSQL: its plans are kept for the session (a SQL function of this shape was planned anew
-- by every statement that called it, 0.3 ms an event).
CREATE FUNCTION mamori_canonical_json(j jsonb) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  v_out text;
  v_plain boolean;
BEGIN
  CASE jsonb_typeof(j)
    WHEN 'object' THEN
      SELECT '{' || coalesce(string_agg(to_json(e.k)::text || ':' ||
          CASE WHEN jsonb_typeof(e.v) IN ('object', 'array') THEN public.mamori_canonical_json(e.v) ELSE e.v::text END,
          ',' ORDER BY e.k COLLATE "C"), '') || '}',
          coalesce(bool_and(jsonb_typeof(e.v) <> 'number' OR public.mamori_safe_integer(e.v)), true)
        INTO v_out, v_plain FROM jsonb_each(j) AS e(k, v);
    WHEN 'array' THEN
      SELECT '[' || coalesce(string_agg(
          CASE WHEN jsonb_typeof(a.v) IN ('object', 'array') THEN public.mamori_canonical_json(a.v) ELSE a.v::text END,
          ',' ORDER BY a.n), '') || ']',
          coalesce(bool_and(jsonb_typeof(a.v) <> 'number' OR public.mamori_safe_integer(a.v)), true)
        INTO v_out, v_plain FROM jsonb_array_elements(j) WITH ORDINALITY AS a(v, n);
    ELSE
      v_out := j::text;
      v_plain := jsonb_typeof(j) <> 'number' OR public.mamori_safe_integer(j);
  END CASE;
  IF NOT v_plain THEN
    RAISE EXCEPTION 'audit details hold a number that is not an integer within 2^53' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN v_out;
END $$;
--> statement-breakpoint
ALTER FUNCTION mamori_canonical_json(jsonb) OWNER TO mamori_audit;
--> statement-breakpoint
-- sha256 of the event's canonical JSON (lib/audit/canonical.ts eventDigest, version 1). Plain SQL
-- without settings of its own, so it is planned into the door's expression once per session.
CREATE FUNCTION mamori_event_digest(
  p_tenant_id uuid, p_id uuid, p_occurred_at timestamptz, p_actor_operator_id uuid, p_actor_login_id text,
  p_action text, p_target_type text, p_target_id text, p_outcome text, p_ip text, p_user_agent text,
  p_session_id uuid, p_details jsonb
) RETURNS bytea LANGUAGE sql STABLE AS $$
  SELECT sha256(convert_to(
    '{"action":' || coalesce(to_json(p_action)::text, 'null') ||
    ',"actorLoginId":' || coalesce(to_json(p_actor_login_id)::text, 'null') ||
    ',"actorOperatorId":' || coalesce(to_json(p_actor_operator_id)::text, 'null') ||
    ',"details":' || public.mamori_canonical_json(p_details) ||
    ',"id":' || to_json(p_id)::text ||
    ',"ip":' || coalesce(to_json(p_ip)::text, 'null') ||
    ',"occurredAt":' || to_json(to_char(p_occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text ||
    ',"outcome":' || coalesce(to_json(p_outcome)::text, 'null') ||
    ',"sessionId":' || coalesce(to_json(p_session_id)::text, 'null') ||
    ',"targetId":' || coalesce(to_json(p_target_id)::text, 'null') ||
    ',"targetType":' || coalesce(to_json(p_target_type)::text, 'null') ||
    ',"tenantId":' || to_json(p_tenant_id)::text ||
    ',"userAgent":' || coalesce(to_json(p_user_agent)::text, 'null') ||
    ',"v":1}', 'UTF8'))
$$;
--> statement-breakpoint
ALTER FUNCTION mamori_event_digest(uuid, uuid, timestamptz, uuid, text, text, text, text, text, text, text, uuid, jsonb) OWNER TO mamori_audit;
--> statement-breakpoint
-- What the door returns: the event's id, and its sequence number (null while it waits).
CREATE TYPE mamori_audit_written AS (event_id uuid, event_seq bigint);
--> statement-breakpoint
ALTER TYPE mamori_audit_written OWNER TO mamori_audit;
--> statement-breakpoint
-- The door. It takes an event's fields only, for a tenant of the calling transaction's scope
-- (what row-level security decided when the app role wrote rows itself); the event gets its id
-- and time here, its digest from its fields, and is chained under the chain's advisory lock
-- (held to commit), or waits in audit_inbox when the lock is taken (p_wait queues instead).
-- One function, not a set-returning one: each layer of definer call or tuplestore cost the
-- chain measurable appends per second.
DROP FUNCTION mamori_append_audit(uuid, uuid, timestamptz, uuid, text, text, text, text, text, text, text, uuid, jsonb, bytea, boolean);
--> statement-breakpoint
CREATE FUNCTION mamori_append_audit(
  p_tenant_id uuid, p_actor_operator_id uuid, p_actor_login_id text, p_action text, p_target_type text,
  p_target_id text, p_outcome text, p_ip text, p_user_agent text, p_session_id uuid, p_details jsonb, p_wait boolean DEFAULT false
) RETURNS mamori_audit_written LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_id uuid := gen_random_uuid();
  -- Kept to the millisecond, as the column stores it, before it is hashed.
  v_at timestamptz := mamori_now()::timestamptz(3);
  v_details jsonb := coalesce(p_details, '{}'::jsonb);
  v_digest bytea;
  v_seq bigint;
  v_hash bytea;
BEGIN
  IF p_tenant_id IS DISTINCT FROM nullif(current_setting('app.tenant_id', true), '')::uuid
     AND current_setting('app.scope', true) IS DISTINCT FROM 'platform' THEN
    RAISE EXCEPTION 'audit event for tenant % outside this transaction''s scope', p_tenant_id USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF jsonb_typeof(v_details) <> 'object' THEN
    RAISE EXCEPTION 'audit details must be an object' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  v_digest := mamori_event_digest(p_tenant_id, v_id, v_at, p_actor_operator_id, p_actor_login_id, p_action,
    p_target_type, p_target_id, p_outcome, p_ip, p_user_agent, p_session_id, v_details);
  IF p_wait THEN
    PERFORM pg_advisory_xact_lock(mamori_audit_lock_key(p_tenant_id));
  ELSIF NOT pg_try_advisory_xact_lock(mamori_audit_lock_key(p_tenant_id)) THEN
    INSERT INTO audit_inbox (tenant_id, id, occurred_at, actor_operator_id, actor_login_id, action,
      target_type, target_id, outcome, ip, user_agent, session_id, details, digest)
    VALUES (p_tenant_id, v_id, v_at, p_actor_operator_id, p_actor_login_id, p_action,
      p_target_type, p_target_id, p_outcome, p_ip, p_user_agent, p_session_id, v_details, v_digest);
    RETURN (v_id, NULL)::mamori_audit_written;
  END IF;
  UPDATE audit_chains
     SET last_seq = last_seq + 1, head_hash = sha256(head_hash || int8send(last_seq + 1) || v_digest)
   WHERE tenant_id = p_tenant_id
  RETURNING last_seq, head_hash INTO v_seq, v_hash;
  IF v_seq IS NULL THEN
    RAISE EXCEPTION 'no audit chain for tenant %', p_tenant_id;
  END IF;
  INSERT INTO audit_events (tenant_id, seq, id, occurred_at, actor_operator_id, actor_login_id, action,
    target_type, target_id, outcome, ip, user_agent, session_id, details, hash)
  VALUES (p_tenant_id, v_seq, v_id, v_at, p_actor_operator_id, p_actor_login_id, p_action,
    p_target_type, p_target_id, p_outcome, p_ip, p_user_agent, p_session_id, v_details, v_hash);
  RETURN (v_id, v_seq)::mamori_audit_written;
END $$;
--> statement-breakpoint
ALTER FUNCTION mamori_append_audit(uuid, uuid, text, text, text, text, text, text, text, uuid, jsonb, boolean) OWNER TO mamori_audit;
--> statement-breakpoint
REVOKE ALL ON FUNCTION mamori_append_audit(uuid, uuid, text, text, text, text, text, text, text, uuid, jsonb, boolean) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION mamori_append_audit(uuid, uuid, text, text, text, text, text, text, text, uuid, jsonb, boolean) TO mamori_app, CURRENT_USER;
--> statement-breakpoint
-- The sequencer as in 0035, set-based: the hashes are chained in memory, then every waiting event
-- goes into the chain in one INSERT and leaves the inbox in one DELETE. One statement per event
-- was most of the time the chain's lock was held while writers crowded a single chain.
CREATE OR REPLACE FUNCTION mamori_sequence_audit(p_tenant_id uuid, p_ids uuid[] DEFAULT NULL) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_seq bigint;
  v_hash bytea;
  v_ids uuid[];
  v_digests bytea[];
  v_hashes bytea[] := '{}';
BEGIN
  IF p_ids IS NOT NULL AND NOT EXISTS (SELECT 1 FROM audit_inbox WHERE tenant_id = p_tenant_id AND id = ANY (p_ids)) THEN
    RETURN 0;
  END IF;
  PERFORM pg_advisory_xact_lock(mamori_audit_lock_key(p_tenant_id));
  SELECT last_seq, head_hash INTO v_seq, v_hash FROM audit_chains WHERE tenant_id = p_tenant_id;
  IF v_seq IS NULL THEN
    RAISE EXCEPTION 'no audit chain for tenant %', p_tenant_id;
  END IF;
  SELECT array_agg(id ORDER BY n), array_agg(digest ORDER BY n) INTO v_ids, v_digests FROM audit_inbox WHERE tenant_id = p_tenant_id;
  IF v_ids IS NULL THEN
    RETURN 0;
  END IF;
  FOR i IN 1 .. cardinality(v_ids) LOOP
    v_hash := sha256(v_hash || int8send(v_seq + i) || v_digests[i]);
    v_hashes := v_hashes || v_hash;
  END LOOP;
  INSERT INTO audit_events (tenant_id, seq, id, occurred_at, actor_operator_id, actor_login_id, action,
    target_type, target_id, outcome, ip, user_agent, session_id, details, hash)
  SELECT b.tenant_id, v_seq + w.ord, b.id, b.occurred_at, b.actor_operator_id, b.actor_login_id, b.action,
         b.target_type, b.target_id, b.outcome, b.ip, b.user_agent, b.session_id, b.details, w.hash
    FROM unnest(v_ids, v_hashes) WITH ORDINALITY AS w(id, hash, ord)
    JOIN audit_inbox b ON b.tenant_id = p_tenant_id AND b.id = w.id;
  PERFORM set_config('mamori.audit_sequence', 'on', true);
  DELETE FROM audit_inbox WHERE tenant_id = p_tenant_id AND id = ANY (v_ids);
  PERFORM set_config('mamori.audit_sequence', 'off', true);
  UPDATE audit_chains SET last_seq = v_seq + cardinality(v_ids), head_hash = v_hash WHERE tenant_id = p_tenant_id;
  RETURN cardinality(v_ids);
END $$;
--> statement-breakpoint
ALTER FUNCTION mamori_sequence_audit(uuid, uuid[]) OWNER TO mamori_audit;
--> statement-breakpoint
ALTER FUNCTION mamori_audit_waiting_tenants() OWNER TO mamori_audit;
--> statement-breakpoint
ALTER FUNCTION mamori_audit_lock_key(uuid) OWNER TO mamori_audit;
--> statement-breakpoint
-- Every tenant gets its chain when it is created, by the database: the app cannot open, reset or
-- move a chain.
CREATE FUNCTION mamori_open_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  INSERT INTO audit_chains (tenant_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  RETURN NEW;
END $$;
--> statement-breakpoint
ALTER FUNCTION mamori_open_chain() OWNER TO mamori_audit;
--> statement-breakpoint
CREATE TRIGGER tenants_open_audit_chain AFTER INSERT ON tenants FOR EACH ROW EXECUTE FUNCTION mamori_open_chain();
--> statement-breakpoint
INSERT INTO audit_chains (tenant_id) SELECT id FROM tenants ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- A login's success, in one call (as in 0035): the event goes through the door, with the
-- database's time and id.
DROP FUNCTION mamori_start_session(uuid, uuid, uuid, text, timestamptz, timestamptz, text, text, timestamptz, boolean, uuid, text, text, jsonb, bytea);
--> statement-breakpoint
CREATE FUNCTION mamori_start_session(
  p_tenant_id uuid, p_operator_id uuid, p_session_id uuid, p_token_hash text, p_at timestamptz,
  p_expires_at timestamptz, p_ip text, p_user_agent text, p_mfa_verified_at timestamptz, p_password_expired boolean,
  p_event_login_id text, p_event_user_agent text, p_details jsonb
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
  -- Its own statement usually, with no scope yet: the login's tenant is the scope of its event.
  PERFORM set_config('app.tenant_id', p_tenant_id::text, true);
  RETURN (mamori_append_audit(p_tenant_id, p_operator_id, p_event_login_id, 'login.succeeded',
    'session', p_session_id::text, 'success', p_ip, p_event_user_agent, p_session_id, p_details, true)).event_seq;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION mamori_start_session(uuid, uuid, uuid, text, timestamptz, timestamptz, text, text, timestamptz, boolean, text, text, jsonb) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION mamori_start_session(uuid, uuid, uuid, text, timestamptz, timestamptz, text, text, timestamptz, boolean, text, text, jsonb) TO mamori_app;
--> statement-breakpoint
-- Retention: removes a tenant's events older than its own retention period (never below a year:
-- a check on tenants), only up to a signed checkpoint so the rest still verifies, and records
-- audit.pruned in the same chain. The cut-off is computed here, not taken from the caller.
DROP FUNCTION prune_audit_events(uuid, timestamptz);
--> statement-breakpoint
CREATE FUNCTION mamori_prune_audit(p_tenant uuid) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_days integer;
  v_before timestamptz;
  v_upto bigint;
  v_removed bigint;
BEGIN
  SELECT audit_retention_days INTO v_days FROM tenants WHERE id = p_tenant;
  IF v_days IS NULL THEN
    RETURN 0;
  END IF;
  v_before := mamori_now() - v_days * interval '1 day';
  -- The newest checkpoint whose events are all older than the cut-off.
  SELECT max(k.seq) INTO v_upto FROM audit_checkpoints k
   WHERE k.tenant_id = p_tenant
     AND NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.tenant_id = p_tenant AND e.seq <= k.seq AND e.occurred_at >= v_before);
  IF v_upto IS NULL THEN
    RETURN 0;
  END IF;
  PERFORM set_config('mamori.audit_prune', 'on', true);
  DELETE FROM audit_events WHERE tenant_id = p_tenant AND seq <= v_upto;
  GET DIAGNOSTICS v_removed = ROW_COUNT;
  PERFORM set_config('mamori.audit_prune', 'off', true);
  IF v_removed > 0 THEN
    PERFORM mamori_append_audit(p_tenant, NULL, 'system:retention', 'audit.pruned', 'tenant', p_tenant::text, 'success',
      NULL, NULL, NULL, jsonb_build_object('removed', v_removed, 'olderThan', to_char(v_before AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'retentionDays', v_days, 'upToSeq', v_upto), false);
  END IF;
  RETURN v_removed;
END $$;
--> statement-breakpoint
ALTER FUNCTION mamori_prune_audit(uuid) OWNER TO mamori_audit;
--> statement-breakpoint
REVOKE ALL ON FUNCTION mamori_prune_audit(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION mamori_prune_audit(uuid) TO mamori_app;
--> statement-breakpoint
-- A signed checkpoint is stored only for the head the chain really has at that sequence number,
-- linked to the chain's previous checkpoint: nobody can file a checkpoint of another history.
-- (Whether the signature is good, the verifier with the public key decides.)
CREATE FUNCTION mamori_store_checkpoint(
  p_tenant_id uuid, p_seq bigint, p_head_hash text, p_signed_at timestamptz, p_previous_checkpoint_hash text,
  p_checkpoint_hash text, p_signature text, p_key_fingerprint text
) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_prev text;
  v_prev_seq bigint;
BEGIN
  SELECT checkpoint_hash, seq INTO v_prev, v_prev_seq FROM audit_checkpoints WHERE tenant_id = p_tenant_id ORDER BY seq DESC LIMIT 1;
  IF p_previous_checkpoint_hash IS DISTINCT FROM coalesce(v_prev, repeat('0', 64)) OR p_seq <= coalesce(v_prev_seq, 0) THEN
    RAISE EXCEPTION 'checkpoint at seq % of % does not follow the last one', p_seq, p_tenant_id USING ERRCODE = 'check_violation';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM audit_events WHERE tenant_id = p_tenant_id AND seq = p_seq AND encode(hash, 'hex') = p_head_hash) THEN
    RAISE EXCEPTION 'checkpoint at seq % of % names a head the chain does not have', p_seq, p_tenant_id USING ERRCODE = 'check_violation';
  END IF;
  INSERT INTO audit_checkpoints (tenant_id, seq, head_hash, signed_at, previous_checkpoint_hash, checkpoint_hash, signature, key_fingerprint)
  VALUES (p_tenant_id, p_seq, p_head_hash, p_signed_at, p_previous_checkpoint_hash, p_checkpoint_hash, p_signature, p_key_fingerprint);
END $$;
--> statement-breakpoint
ALTER FUNCTION mamori_store_checkpoint(uuid, bigint, text, timestamptz, text, text, text, text) OWNER TO mamori_audit;
--> statement-breakpoint
REVOKE ALL ON FUNCTION mamori_store_checkpoint(uuid, bigint, text, timestamptz, text, text, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION mamori_store_checkpoint(uuid, bigint, text, timestamptz, text, text, text, text) TO mamori_app, mamori_signer;
--> statement-breakpoint
GRANT SELECT (id, audit_retention_days) ON tenants TO mamori_audit;
