{{%AUTOESCAPE context="HTML"}}
{{! Where a checkout stands: HEADING and MESSAGE in a box of KIND (flash: }}
{{! good news, alert: the rest). Show CARD (URL) for the way back to the }}
{{! provider's card page, RETRY (ORDER_ID) for the pay form again, and }}
{{! ORDER (ORDER_ID) for the link to the order; include CSRF. }}
<h1>{{HEADING}}</h1>
<div class="{{KIND}}" role="status">
<p>{{MESSAGE}}</p>
</div>
{{#CARD}}
<p><a class="button" href="{{URL}}">Try another card</a></p>
{{/CARD}}
{{#RETRY}}
<form class="form" method="post" action="/payments">
{{>CSRF}}
<input type="hidden" name="order_id" value="{{ORDER_ID}}">
<div class="actions">
<button type="submit">Try again</button>
</div>
</form>
{{/RETRY}}
{{#ORDER}}
<p><a href="/orders/{{ORDER_ID}}">Your order</a></p>
{{/ORDER}}
<p><a href="/orders">My orders</a></p>
