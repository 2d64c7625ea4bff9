//! Use cases: each public function opens what it needs (a read connection or a write
//! transaction), checks object-level permission, applies the domain rules, writes the
//! audit entry in the same transaction and commits. JSON handlers (and, later, HTML
//! handlers) call these same functions: there is one rule engine, not two.

pub mod account;
pub mod audit;
pub mod audit_checkpoint;
pub mod auth;
pub mod backup;
pub mod bureau_settings;
pub mod calendar;
pub mod case;
pub mod case_actions;
pub mod case_check;
pub mod case_record;
pub mod catalogue;
pub mod complaint;
pub mod complaint_workflow;
pub mod demo;
pub mod demo_year;
pub mod document;
pub mod error;
pub mod masking;
pub mod officer;
pub mod open311_key;
pub mod org_unit;
pub mod password;
pub mod permissions;
pub mod personal_data;
pub mod portal;
pub mod setup;
pub mod statistics;
pub mod upload;

pub use error::{ServiceError, ServiceResult};

use crate::infra::clock::Clock;
use crate::infra::config::Settings;
use crate::infra::db::Db;
use std::sync::Arc;

/// Everything a use case needs; cloned cheaply into every request.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
}

impl AppState {
    /// The file store for evidence, photos and documents (`infra::blob_store`).
    pub fn blobs(&self) -> crate::infra::blob_store::BlobStore {
        crate::infra::blob_store::BlobStore::on_disk(&self.settings.data_dir)
    }
}

/// A new time-ordered id (UUID v7).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
