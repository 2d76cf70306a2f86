{{%AUTOESCAPE context="HTML"}}
{{! The signed-in member's orders, newest first. One ORDER per order (ID, }}
{{! CREATED, EVENT (WHEN: STARTS), ITEM, QUANTITY, AMOUNT, STATE); show NONE when there are none }}
{{! and MORE (LISTED) when only the newest are listed. }}
<h1>My orders</h1>
{{#NONE}}
<p>You have no orders yet. Find tickets on the <a href="/">events</a> pages.</p>
{{/NONE}}
{{#HAS_ORDERS}}
<div class="table-wrap">
<table class="stack">
<thead>
<tr><th scope="col">Reserved (UTC)</th><th scope="col">Event</th><th scope="col">Tickets</th><th scope="col">Quantity</th><th scope="col">Total</th><th scope="col">State</th></tr>
</thead>
<tbody>
{{#ORDER}}
<tr><td data-label="Reserved (UTC)"><a href="/orders/{{ID}}">{{CREATED}}</a></td><td data-label="Event">{{EVENT}}{{#WHEN}}<br>{{STARTS}}{{/WHEN}}</td><td data-label="Tickets">{{ITEM}}</td><td data-label="Quantity">{{QUANTITY}}</td><td data-label="Total">{{AMOUNT}}</td><td data-label="State">{{STATE}}</td></tr>
{{/ORDER}}
</tbody>
</table>
</div>
{{/HAS_ORDERS}}
{{#MORE}}
<p>Only your {{LISTED}} newest orders are listed.</p>
{{/MORE}}
