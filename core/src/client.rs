//! The client: configuration + transport + the operation catalogue.

use crate::config::{ClientConfig, Login};
use crate::error::{Error, Result};
use crate::ops::{self, OpContext, Operation};
use crate::paging::Paginator;
use crate::transport::Transport;
use crate::usage::Usage;
use serde_json::Value;
use std::sync::Arc;

/// A Graph API client for one access token. Cheap to clone; share it across tasks.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) config: ClientConfig,
    pub(crate) transport: Transport,
}

impl Client {
    /// Build a client from a configuration.
    pub fn new(config: ClientConfig) -> Result<Self> {
        let transport = Transport::new(&config)?;
        Ok(Client {
            inner: Arc::new(Inner { config, transport }),
        })
    }

    /// Build a client from the bindings' JSON options (see [`ClientConfig::from_json`]).
    pub fn from_json(options: &Value) -> Result<Self> {
        Self::new(ClientConfig::from_json(options)?)
    }

    /// Login flavour.
    pub fn login(&self) -> Login {
        self.inner.config.login
    }

    /// The configuration (the token inside never prints).
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The last usage reading from Meta's headers.
    pub fn usage(&self) -> Option<Usage> {
        self.inner.transport.last_usage()
    }

    fn ctx(&self) -> OpContext {
        OpContext {
            login: self.inner.config.login,
        }
    }

    /// Call an operation by id with JSON params. Paginated operations return one page
    /// (`{data, paging}`); use [`Client::paginate`] to walk them all.
    pub async fn call(&self, op_id: &str, params: Value) -> Result<Value> {
        let (spec, req) = ops::prepare(op_id, params, &self.ctx())?;
        self.inner
            .transport
            .send(&req, spec.idempotent)
            .await
            .map_err(|e| e.with_op(spec.id))
    }

    /// Call a typed operation.
    pub async fn execute<O: Operation>(&self, op: &O) -> Result<Value> {
        let req = op.build(&self.ctx()).map_err(|e| e.into_error(O::ID))?;
        self.inner
            .transport
            .send(&req, O::IDEMPOTENT)
            .await
            .map_err(|e| e.with_op(O::ID))
    }

    /// Walk a paginated operation page by page, following `paging.next`. Params are validated
    /// now. Without an explicit `limit`, pages use the edge's maximum size (fewer requests);
    /// with `max_items` below that, the first page asks for just `max_items`.
    pub fn paginate(
        &self,
        op_id: &str,
        params: Value,
        max_items: Option<u64>,
    ) -> Result<Paginator> {
        let spec = ops::find(op_id)
            .ok_or_else(|| Error::unsupported(format!("unknown operation {op_id:?}")))?;
        if !spec.paginated {
            return Err(Error::unsupported(format!(
                "{op_id}: is not paginated; use call"
            )));
        }
        let mut params = match params {
            Value::Null => Value::Object(Default::default()),
            p => p,
        };
        if let (Some(size), Some(obj)) = (spec.page_size, params.as_object_mut()) {
            if obj.get("limit").is_none_or(Value::is_null) {
                let want =
                    max_items.map_or(u64::from(size.max), |m| m.clamp(1, u64::from(size.max)));
                obj.insert("limit".into(), Value::from(want));
            }
        }
        let (spec, req) = ops::prepare(op_id, params, &self.ctx())?;
        Ok(Paginator::new(self.inner.clone(), spec.id, req, max_items))
    }

    /// Typed variant of [`Client::paginate`].
    pub fn paginate_op<O: Operation>(&self, op: &O, max_items: Option<u64>) -> Result<Paginator> {
        if !O::PAGINATED {
            return Err(Error::unsupported(format!(
                "{}: is not paginated; use execute",
                O::ID
            )));
        }
        let req = op.build(&self.ctx()).map_err(|e| e.into_error(O::ID))?;
        Ok(Paginator::new(self.inner.clone(), O::ID, req, max_items))
    }
}
