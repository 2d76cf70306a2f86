{{%AUTOESCAPE context="HTML"}}
{{! The signed-in member's orders, newest first. One ORDER per order (ID, }}
{{! CREATED, ITEM, QUANTITY, AMOUNT, STATE); show NONE when there are none }}
{{! and MORE (LISTED) when only the newest are listed. }}
<h1>My orders</h1>
{{#NONE}}
<p>You have no orders yet. Find tickets on the <a href="/">events</a> pages.</p>
{{/NONE}}
{{#HAS_ORDERS}}
<div class="table-wrap">
<table>
<thead>
<tr><th scope="col">Reserved (UTC)</th><th scope="col">Tickets</th><th scope="col">Quantity</th><th scope="col">Total</th><th scope="col">State</th></tr>
</thead>
<tbody>
{{#ORDER}}
<tr><td><a href="/orders/{{ID}}">{{CREATED}}</a></td><td>{{ITEM}}</td><td>{{QUANTITY}}</td><td>{{AMOUNT}}</td><td>{{STATE}}</td></tr>
{{/ORDER}}
</tbody>
</table>
</div>
{{/HAS_ORDERS}}
{{#MORE}}
<p>Only your {{LISTED}} newest orders are listed.</p>
{{/MORE}}
