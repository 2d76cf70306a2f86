{{%AUTOESCAPE context="HTML"}}
{{! One order of the signed-in buyer. Fill ID, STATE, ITEM, QUANTITY, }}
{{! UNIT_PRICE, AMOUNT, CREATED; show AWAITING (EXPIRES, EXPIRES_ISO, }}
{{! TIME_LEFT) with the cancel form while it awaits payment; include CSRF; }}
{{! include ETICKETS (pages/orders/etickets.tpl) when complete or refunded. }}
<h1>Order</h1>
<dl class="details">
<dt>State</dt>
<dd>{{STATE}}</dd>
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
{{#AWAITING}}
<p>The tickets are held for you until then. Payment opens soon.</p>
<form class="form" method="post" action="/orders/{{ID}}/cancel">
{{>CSRF}}
<div class="actions">
<button type="submit" class="button-danger">Cancel the order</button>
</div>
</form>
{{/AWAITING}}
{{>ETICKETS}}
<p><a href="/orders">My orders</a></p>
