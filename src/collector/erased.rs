//! The type-erased side of the contract: [`DynCollect`] lets the registry hold every collector
//! in one list, whatever its settings, data and state types, and [`AnyData`] is a collector's data
//! once erased (what a snapshot keeps).

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;

use super::contract::{
    BackgroundCx, Collect, Cx, Detail, OtherSettings, SingleRun, StateError, Warning, WriteCx,
};
use super::error::CollectError;
use super::shared::SharedCalls;
use super::spec::{OptionError, OptionValues, Spec};
use super::target::{SessionData, TargetInfo};
use crate::exposition::Encoder;
use crate::technitium::Client;

/// A collector's typed settings, type-erased.
pub trait AnySettings: Any + fmt::Debug + Send + Sync {}
impl<T: Any + fmt::Debug + Send + Sync> AnySettings for T {}

/// A collector's per-target state, type-erased.
pub(crate) type AnyState = Arc<dyn Any + Send + Sync>;

/// A collector's data, type-erased; [`super::snapshot::Snapshot::get`] gives it back typed.
pub(crate) type AnyData = Arc<dyn Any + Send + Sync>;

/// A boxed future of a state hook.
pub(crate) type Hook<'a> = Pin<Box<dyn Future<Output = Result<(), StateError>> + Send + 'a>>;

/// A boxed fetch future.
pub(crate) type Fetching<'a> =
    Pin<Box<dyn Future<Output = Result<AnyData, CollectError>> + Send + 'a>>;

/// Everything `fetch` needs, erased.
pub(crate) struct DynCx<'a> {
    pub client: &'a Client,
    pub session: Option<&'a SessionData>,
    pub settings: &'a dyn AnySettings,
    pub state: &'a (dyn Any + Send + Sync),
    pub deadline: tokio::time::Instant,
    pub shared: &'a SharedCalls<'a>,
    pub target: &'a TargetInfo,
    pub options: &'a dyn OtherSettings,
}

/// What [`Collect::background`] needs, erased.
pub(crate) struct DynBackgroundCx<'a> {
    pub settings: Option<&'a dyn AnySettings>,
    pub client: &'a Client,
    pub target: &'a TargetInfo,
    pub options: &'a dyn OtherSettings,
    pub on_demand: bool,
}

/// [`Collect`] with its associated types erased.
pub(crate) trait DynCollect: Send + Sync {
    fn spec(&self) -> &'static Spec;
    fn settings(&self, values: &OptionValues<'_>) -> Result<Arc<dyn AnySettings>, OptionError>;
    fn default_settings(&self) -> Arc<dyn AnySettings>;
    fn new_state(&self) -> AnyState;
    fn fetch<'a>(&'a self, cx: DynCx<'a>) -> Fetching<'a>;
    fn write(&self, data: &(dyn Any + Send + Sync), cx: &WriteCx<'_>, enc: &mut Encoder);
    fn write_not_applicable(&self, cx: &WriteCx<'_>, enc: &mut Encoder);
    fn not_applicable(&self, state: &(dyn Any + Send + Sync)) -> Option<&'static str>;
    fn details(&self, data: &(dyn Any + Send + Sync), settings: &dyn AnySettings) -> Vec<Detail>;
    fn load_state<'a>(&self, state: &'a (dyn Any + Send + Sync), run: SingleRun<'a>) -> Hook<'a>;
    fn save_state<'a>(&self, state: &'a (dyn Any + Send + Sync), run: SingleRun<'a>) -> Hook<'a>;
    fn prepare_check(&self, state: &(dyn Any + Send + Sync));
    fn background(&self, state: &(dyn Any + Send + Sync), cx: DynBackgroundCx<'_>);
    fn warning(
        &self,
        data: &(dyn Any + Send + Sync),
        settings: &dyn AnySettings,
    ) -> Option<Warning>;
}

/// The erasing wrapper; the registry holds one per collector.
pub(crate) struct Erased<C>(pub PhantomData<fn() -> C>);

fn typed<T: Any>(value: &dyn AnySettings) -> Option<&T> {
    let any: &dyn Any = value;
    any.downcast_ref::<T>()
}

impl<C: Collect> DynCollect for Erased<C> {
    fn spec(&self) -> &'static Spec {
        C::SPEC
    }

    fn settings(&self, values: &OptionValues<'_>) -> Result<Arc<dyn AnySettings>, OptionError> {
        Ok(Arc::new(C::settings(values)?))
    }

    fn default_settings(&self) -> Arc<dyn AnySettings> {
        Arc::new(C::Settings::default())
    }

    fn new_state(&self) -> AnyState {
        Arc::new(C::State::default())
    }

    fn fetch<'a>(&'a self, cx: DynCx<'a>) -> Fetching<'a> {
        Box::pin(async move {
            // The orchestrator pairs each collector with the settings and state it made, so the
            // downcasts cannot fail; if they ever did, the collector fails instead of panicking.
            let (Some(settings), Some(state)) = (
                typed::<C::Settings>(cx.settings),
                cx.state.downcast_ref::<C::State>(),
            ) else {
                return Err(CollectError::Internal {
                    what: "collector settings or state of the wrong type",
                });
            };
            let typed_cx = Cx {
                client: cx.client,
                session: cx.session,
                settings,
                state,
                deadline: cx.deadline,
                shared: cx.shared,
                target: cx.target,
                options: cx.options,
            };
            let data = C::fetch(typed_cx).await?;
            Ok(Arc::new(data) as AnyData)
        })
    }

    fn write(&self, data: &(dyn Any + Send + Sync), cx: &WriteCx<'_>, enc: &mut Encoder) {
        if let Some(data) = data.downcast_ref::<C::Data>() {
            C::write(data, cx, enc);
        }
    }

    fn write_not_applicable(&self, cx: &WriteCx<'_>, enc: &mut Encoder) {
        C::write_not_applicable(cx, enc);
    }

    fn not_applicable(&self, state: &(dyn Any + Send + Sync)) -> Option<&'static str> {
        C::not_applicable(state.downcast_ref::<C::State>()?)
    }

    fn load_state<'a>(&self, state: &'a (dyn Any + Send + Sync), run: SingleRun<'a>) -> Hook<'a> {
        match state.downcast_ref::<C::State>() {
            Some(state) => Box::pin(C::load_state(state, run)),
            None => Box::pin(async { Ok(()) }),
        }
    }

    fn save_state<'a>(&self, state: &'a (dyn Any + Send + Sync), run: SingleRun<'a>) -> Hook<'a> {
        match state.downcast_ref::<C::State>() {
            Some(state) => Box::pin(C::save_state(state, run)),
            None => Box::pin(async { Ok(()) }),
        }
    }

    fn prepare_check(&self, state: &(dyn Any + Send + Sync)) {
        if let Some(state) = state.downcast_ref::<C::State>() {
            C::prepare_check(state);
        }
    }

    fn background(&self, state: &(dyn Any + Send + Sync), cx: DynBackgroundCx<'_>) {
        let Some(state) = state.downcast_ref::<C::State>() else {
            return;
        };
        let settings = match cx.settings {
            Some(s) => match typed::<C::Settings>(s) {
                Some(s) => Some(s),
                None => return,
            },
            None => None,
        };
        C::background(
            state,
            BackgroundCx {
                settings,
                client: cx.client,
                target: cx.target,
                options: cx.options,
                on_demand: cx.on_demand,
            },
        );
    }

    fn details(&self, data: &(dyn Any + Send + Sync), settings: &dyn AnySettings) -> Vec<Detail> {
        match (
            data.downcast_ref::<C::Data>(),
            typed::<C::Settings>(settings),
        ) {
            (Some(d), Some(s)) => C::details(d, s),
            _ => Vec::new(),
        }
    }

    fn warning(
        &self,
        data: &(dyn Any + Send + Sync),
        settings: &dyn AnySettings,
    ) -> Option<Warning> {
        C::warning(
            data.downcast_ref::<C::Data>()?,
            typed::<C::Settings>(settings)?,
        )
    }
}
