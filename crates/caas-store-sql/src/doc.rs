//! [`Doc`]: an aggregate's JSON document as it crosses the driver. On
//! PostgreSQL the `doc` columns are `JSONB` (the database checks the JSON
//! and can index and query into it); on SQLite they are `TEXT`. One Rust
//! type binds and reads both, so the shared SQL text stays one.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueFormat, PgValueRef, Postgres};
use sqlx::sqlite::{Sqlite, SqliteArgumentValue, SqliteTypeInfo, SqliteValueRef};
use sqlx::types::Json;
use sqlx::{Decode, Encode, Type, ValueRef};
use std::borrow::Cow;

/// The serialized JSON of one aggregate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc(pub String);

impl Doc {
    /// The JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// JSONB's binary format version, the first byte of every value.
const JSONB_VERSION: u8 = 1;

fn jsonb() -> PgTypeInfo {
    <Json<()> as Type<Postgres>>::type_info()
}

impl Type<Postgres> for Doc {
    fn type_info() -> PgTypeInfo {
        jsonb()
    }
    fn compatible(ty: &PgTypeInfo) -> bool {
        <Json<()> as Type<Postgres>>::compatible(ty) || <String as Type<Postgres>>::compatible(ty)
    }
}

impl Encode<'_, Postgres> for Doc {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        buf.push(JSONB_VERSION);
        buf.extend_from_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }
}

impl<'r> Decode<'r, Postgres> for Doc {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        let binary_jsonb = value.format() == PgValueFormat::Binary && *value.type_info() == jsonb();
        let bytes = value.as_bytes()?;
        let text = match (binary_jsonb, bytes.split_first()) {
            (true, Some((&JSONB_VERSION, rest))) => rest,
            (true, other) => {
                return Err(
                    format!("unsupported JSONB format version {:?}", other.map(|o| o.0)).into(),
                )
            }
            (false, _) => bytes,
        };
        Ok(Doc(std::str::from_utf8(text)?.to_owned()))
    }
}

impl Type<Sqlite> for Doc {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Sqlite> for Doc {
    fn encode_by_ref(&self, buf: &mut Vec<SqliteArgumentValue<'q>>) -> Result<IsNull, BoxDynError> {
        buf.push(SqliteArgumentValue::Text(Cow::Owned(self.0.clone())));
        Ok(IsNull::No)
    }
    fn encode(self, buf: &mut Vec<SqliteArgumentValue<'q>>) -> Result<IsNull, BoxDynError> {
        buf.push(SqliteArgumentValue::Text(Cow::Owned(self.0)));
        Ok(IsNull::No)
    }
}

impl<'r> Decode<'r, Sqlite> for Doc {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Doc(<String as Decode<Sqlite>>::decode(value)?))
    }
}
