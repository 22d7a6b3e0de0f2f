//! Name resolution: ASTs of a root file and its includes → [`crate::model::Model`].
