{{%AUTOESCAPE context="HTML"}}
{{! The sandbox provider's hosted payment page. Fill AMOUNT, ORDER_ID, }}
{{! SESSION_ID; show OPEN for the card form or PAID when the session is }}
{{! complete. Include CSRF and FORM_ERRORS. fields_show fills CARD_NUMBER, }}
{{! CARD_EXPIRY, CARD_NAME (never the CVC), their REQUIRED sections and }}
{{! limits, and <FIELD>_ERROR with MESSAGE. }}
<div class="alert" role="note">
<p><strong>Sandbox:</strong> a test payment page. No real card is charged; use a test card from the list below.</p>
</div>
<h1>Pay {{AMOUNT}}</h1>
<dl class="details">
<dt>Amount</dt>
<dd>{{AMOUNT}}</dd>
<dt>Order</dt>
<dd>{{ORDER_ID}}</dd>
</dl>
{{#PAID}}
<p>This payment is complete. You can close this page.</p>
{{/PAID}}
{{#OPEN}}
{{>FORM_ERRORS}}
<form class="form" method="post" action="/sandbox-pay/checkout/{{SESSION_ID}}">
{{>CSRF}}
<div class="field{{#CARD_NUMBER_ERROR}} field-invalid{{/CARD_NUMBER_ERROR}}">
<label for="card_number">Card number</label>
<p class="hint" id="card_number-hint">As printed on the card; spaces are fine</p>
{{#CARD_NUMBER_ERROR}}
<p class="field-error" id="card_number-error">{{MESSAGE}}</p>
{{/CARD_NUMBER_ERROR}}
<input type="text" id="card_number" name="card_number" value="{{CARD_NUMBER}}" inputmode="numeric" autocomplete="cc-number"{{#CARD_NUMBER_REQUIRED}} required{{/CARD_NUMBER_REQUIRED}} maxlength="{{CARD_NUMBER_MAXLENGTH}}" aria-describedby="card_number-hint{{#CARD_NUMBER_ERROR}} card_number-error{{/CARD_NUMBER_ERROR}}"{{#CARD_NUMBER_ERROR}} aria-invalid="true"{{/CARD_NUMBER_ERROR}}>
</div>
<div class="field{{#CARD_EXPIRY_ERROR}} field-invalid{{/CARD_EXPIRY_ERROR}}">
<label for="card_expiry">Expiry date</label>
<p class="hint" id="card_expiry-hint">MM/YY, like 04/29</p>
{{#CARD_EXPIRY_ERROR}}
<p class="field-error" id="card_expiry-error">{{MESSAGE}}</p>
{{/CARD_EXPIRY_ERROR}}
<input type="text" id="card_expiry" name="card_expiry" value="{{CARD_EXPIRY}}" autocomplete="cc-exp"{{#CARD_EXPIRY_REQUIRED}} required{{/CARD_EXPIRY_REQUIRED}} maxlength="{{CARD_EXPIRY_MAXLENGTH}}" aria-describedby="card_expiry-hint{{#CARD_EXPIRY_ERROR}} card_expiry-error{{/CARD_EXPIRY_ERROR}}"{{#CARD_EXPIRY_ERROR}} aria-invalid="true"{{/CARD_EXPIRY_ERROR}}>
</div>
<div class="field{{#CARD_CVC_ERROR}} field-invalid{{/CARD_CVC_ERROR}}">
<label for="card_cvc">Security code (CVC)</label>
<p class="hint" id="card_cvc-hint">3 or 4 digits</p>
{{#CARD_CVC_ERROR}}
<p class="field-error" id="card_cvc-error">{{MESSAGE}}</p>
{{/CARD_CVC_ERROR}}
<input type="password" id="card_cvc" name="card_cvc" inputmode="numeric" autocomplete="cc-csc"{{#CARD_CVC_REQUIRED}} required{{/CARD_CVC_REQUIRED}} maxlength="{{CARD_CVC_MAXLENGTH}}" aria-describedby="card_cvc-hint{{#CARD_CVC_ERROR}} card_cvc-error{{/CARD_CVC_ERROR}}"{{#CARD_CVC_ERROR}} aria-invalid="true"{{/CARD_CVC_ERROR}}>
</div>
<div class="field{{#CARD_NAME_ERROR}} field-invalid{{/CARD_NAME_ERROR}}">
<label for="card_name">Name on the card</label>
{{#CARD_NAME_ERROR}}
<p class="field-error" id="card_name-error">{{MESSAGE}}</p>
{{/CARD_NAME_ERROR}}
<input type="text" id="card_name" name="card_name" value="{{CARD_NAME}}" autocomplete="cc-name"{{#CARD_NAME_REQUIRED}} required{{/CARD_NAME_REQUIRED}} maxlength="{{CARD_NAME_MAXLENGTH}}"{{#CARD_NAME_ERROR}} aria-invalid="true" aria-describedby="card_name-error"{{/CARD_NAME_ERROR}}>
</div>
<button type="submit">Pay {{AMOUNT}}</button>
</form>
<h2>Test cards</h2>
<ul>
<li><code>4242 4242 4242 4242</code>: paid</li>
<li><code>4000 0000 0000 0002</code>: declined</li>
<li><code>4000 0000 0000 9995</code>: declined, insufficient funds</li>
<li><code>4000 0000 0000 0077</code>: paid, confirmed late</li>
</ul>
<p>Any future expiry date, any 3 digits as security code, any name.</p>
{{/OPEN}}
