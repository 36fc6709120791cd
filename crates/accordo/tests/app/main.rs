//! The composed application through HTTP, one test binary (so that a change relinks one):
//! the platform's API, the pages, the access matrix over every route and role, and each
//! module's API.

mod access_matrix;
mod api;
mod catalogues;
mod common;
mod documents;
mod pages;
mod returns;
mod upgrade;
