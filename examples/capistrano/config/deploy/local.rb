# No servers: for running the deploy_guard:* tasks by hand against a local deploy-guard.
set :deploy_guard_gate_timeout, 60
set :deploy_guard_gate_interval, 1
