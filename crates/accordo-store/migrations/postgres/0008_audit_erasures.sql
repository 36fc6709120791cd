-- From this version on, erasing an entry's details is itself an audit entry naming it, and a
-- details row missing without one is tampering. A new installation starts so; one upgraded
-- with entries already in its log names, once at the next start, the details that earlier
-- versions' retention erased (accordo_service::audit::record_erasures_of_earlier_versions).
INSERT INTO system_state (key, value)
SELECT 'audit_erasures_recorded',
       CASE WHEN EXISTS (SELECT 1 FROM audit_log) THEN 'pending' ELSE 'since_installation' END;
