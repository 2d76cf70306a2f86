{{%AUTOESCAPE context="HTML"}}
{{! Confirmation before cancelling an event. Fill ID, NAME, VENUE, CITY, }}
{{! STARTS, STARTS_ISO; include CSRF; show SCHEDULED, PAST or CANCELLED. }}
<h1>Cancel “{{NAME}}”</h1>
<dl class="details">
<dt>Starts</dt>
<dd><time datetime="{{STARTS_ISO}}">{{STARTS}}</time></dd>
<dt>Venue</dt>
<dd>{{VENUE}}, {{CITY}}</dd>
</dl>
{{#CANCELLED}}
<p>This event is already cancelled.</p>
<p><a href="/events/{{ID}}">Back to the event</a></p>
{{/CANCELLED}}
{{#SCHEDULED}}
<p>Cancelling cannot be undone. The event stays visible, marked as cancelled; its ticket listings are withdrawn and paid orders are refunded.</p>
<form class="form" method="post" action="/events/{{ID}}/cancel">
{{>CSRF}}
<div class="actions">
<button type="submit" class="button-danger">Cancel the event</button>
<a href="/events/{{ID}}">Keep the event</a>
</div>
</form>
{{/SCHEDULED}}
{{#PAST}}
<p>This event is over.</p>
<form class="form" method="post" action="/events/{{ID}}/cancel">
{{>CSRF}}
<div class="actions">
<button type="submit" class="button-danger">Cancel the event</button>
<a href="/events/{{ID}}">Keep the event</a>
</div>
</form>
{{/PAST}}
