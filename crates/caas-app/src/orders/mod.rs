//! Vehicle orders: applying events with their effects, and the views of an
//! order for its customer (expediente) and for staff.

pub mod effects;
pub mod expediente;
pub mod staff;
