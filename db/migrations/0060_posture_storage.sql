-- Room on each page for a changed posture row to be updated in place (a HOT update), and
-- vacuumed often: the posture page reads the whole table.
ALTER TABLE tenant_posture SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_threshold = 100);
