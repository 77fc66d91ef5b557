//! Factory Orders API simulator (`shared/contracts/factory-api.md`).
