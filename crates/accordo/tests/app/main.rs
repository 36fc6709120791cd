//! The composed application, one test binary (so that a change relinks one): through HTTP
//! the platform's API, the pages, the access matrix over every route and role, each module's
//! API and the upgrades from before the modules; the command line end to end; and the
//! workspace's tidy checks.

mod access_matrix;
mod api;
mod catalogues;
mod cli;
mod cli_documents;
mod cli_flows;
mod cli_mrz;
mod cli_online;
mod cli_quotas;
mod common;
mod crash;
mod crash_pathways;
mod documents;
mod flows;
mod intel;
mod online;
mod pages;
mod pathways;
mod policies;
mod returns;
mod tidy;
mod upgrade;
