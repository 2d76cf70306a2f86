{{%AUTOESCAPE context="HTML"}}
{{! A reservation that was refused: HEADING and MESSAGE say why. Show }}
{{! LISTING (ITEM, PRICE) when the listing is known, and FORM (TICKET_ID, }}
{{! QUANTITY, MIN_UNITS, MAX_UNITS; QUANTITY_ERROR with MESSAGE) when trying again }}
{{! can help; include CSRF. }}
<h1>{{HEADING}}</h1>
<div class="alert" role="alert">
<p>{{MESSAGE}}</p>
</div>
{{#LISTING}}
<dl class="details">
<dt>Tickets</dt>
<dd>{{ITEM}}</dd>
<dt>Price per ticket</dt>
<dd>{{PRICE}}</dd>
</dl>
{{/LISTING}}
{{#FORM}}
<form class="form" method="post" action="/orders">
{{>CSRF}}
<input type="hidden" name="ticket_id" value="{{TICKET_ID}}">
<div class="field{{#QUANTITY_ERROR}} field-invalid{{/QUANTITY_ERROR}}">
<label for="quantity">Number of tickets</label>
{{#QUANTITY_ERROR}}
<p class="field-error" id="quantity-error">{{MESSAGE}}</p>
{{/QUANTITY_ERROR}}
<input type="number" id="quantity" name="quantity" value="{{QUANTITY}}" required min="{{MIN_UNITS}}" max="{{MAX_UNITS}}" step="1"{{#QUANTITY_ERROR}} aria-invalid="true" aria-describedby="quantity-error"{{/QUANTITY_ERROR}}>
</div>
<div class="actions">
<button type="submit">Reserve</button>
</div>
</form>
{{/FORM}}
<p><a href="/orders">My orders</a> · <a href="/">Events</a></p>
