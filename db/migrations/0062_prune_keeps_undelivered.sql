-- Retention never removes an event an audit stream has not delivered yet: the newest checkpoint
-- that may be pruned up to is also at or below every stream's cursor (a paused or failing
-- stream holds its company's retention back rather than leave its receiver a gap).
GRANT SELECT (tenant_id, cursor_seq) ON audit_streams TO mamori_audit;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION mamori_prune_audit(p_tenant uuid) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_days integer;
  v_before timestamptz;
  v_upto bigint;
  v_streamed bigint;
  v_removed bigint;
BEGIN
  SELECT audit_retention_days INTO v_days FROM tenants WHERE id = p_tenant;
  IF v_days IS NULL THEN
    RETURN 0;
  END IF;
  v_before := mamori_now() - v_days * interval '1 day';
  SELECT min(s.cursor_seq) INTO v_streamed FROM audit_streams s WHERE s.tenant_id = p_tenant;
  -- The newest checkpoint whose events are all older than the cut-off and all delivered.
  SELECT max(k.seq) INTO v_upto FROM audit_checkpoints k
   WHERE k.tenant_id = p_tenant
     AND k.seq <= coalesce(v_streamed, k.seq)
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
