{{%AUTOESCAPE context="HTML"}}
{{! One order of the signed-in buyer (or any order, for an admin). Fill ID, }}
{{! STATE, EVENT (WHEN: STARTS), ITEM, QUANTITY, UNIT_PRICE, AMOUNT, }}
{{! CREATED; show AWAITING (EXPIRES, EXPIRES_ISO, TIME_LEFT; PAY for the }}
{{! buyer) with the pay and cancel forms while it awaits payment, PAYING }}
{{! while the payment is captured, REFUND (an admin, a complete order); }}
{{! include CSRF; include ETICKETS (pages/orders/etickets.tpl) when }}
{{! complete or refunded. }}
<h1>Order</h1>
<dl class="details">
<dt>State</dt>
<dd>{{STATE}}</dd>
<dt>Event</dt>
<dd>{{EVENT}}{{#WHEN}}, {{STARTS}}{{/WHEN}}</dd>
<dt>Tickets</dt>
<dd>{{ITEM}}</dd>
<dt>Quantity</dt>
<dd>{{QUANTITY}}</dd>
<dt>Price per ticket</dt>
<dd>{{UNIT_PRICE}}</dd>
<dt>Total</dt>
<dd>{{AMOUNT}}</dd>
<dt>Reserved</dt>
<dd>{{CREATED}} UTC</dd>
{{#AWAITING}}
<dt>Pay by</dt>
<dd><time datetime="{{EXPIRES_ISO}}">{{EXPIRES}} UTC</time> ({{TIME_LEFT}} left)</dd>
{{/AWAITING}}
</dl>
{{! Payment: the Pay form goes to the payments service. }}
{{#AWAITING}}
<p>The tickets are held for you until then.</p>
{{#PAY}}
<form class="form" method="post" action="/payments">
{{>CSRF}}
<input type="hidden" name="order_id" value="{{ID}}">
<div class="actions">
<button type="submit">Pay {{AMOUNT}}</button>
</div>
</form>
{{/PAY}}
<form class="form" method="post" action="/orders/{{ID}}/cancel">
{{>CSRF}}
<div class="actions">
<button type="submit" class="button-danger">Cancel the order</button>
</div>
</form>
{{/AWAITING}}
{{#PAYING}}
<p>Your payment was received and is being confirmed with the card issuer. This page reloads until it is done.</p>
{{/PAYING}}
{{! E-tickets of a complete order, or that they were revoked. }}
{{>ETICKETS}}
{{! Refund: an admin's form on a complete order. }}
{{#REFUND}}
<form class="form" method="post" action="/orders/{{ID}}/refund">
{{>CSRF}}
<div class="actions">
<button type="submit" class="button-danger">Refund {{AMOUNT}} to the buyer</button>
</div>
</form>
{{/REFUND}}
<p><a href="/orders">My orders</a></p>
