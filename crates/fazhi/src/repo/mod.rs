//! SQL, one module per resource. Functions take a connection (a pooled one or a
//! transaction's) and speak rows; rules and permissions live in `service/`.

pub mod audit_repo;
pub mod backup_repo;
pub mod calendar_repo;
pub mod case_record_repo;
pub mod case_repo;
pub mod complaint_repo;
pub mod document_repo;
pub mod fetch;
pub mod multi_row;
pub mod officer_repo;
pub mod open311_key_repo;
pub mod org_unit_repo;
pub mod personal_data_repo;
pub mod portal_repo;
pub mod rule_setting_repo;
pub mod user_repo;
pub mod violation_repo;
