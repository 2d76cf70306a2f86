{{%AUTOESCAPE context="HTML"}}
{{! Why an event takes no listing. Show one of UNKNOWN, CANCELLED, STARTED; }}
{{! for the last two fill EVENT_NAME, STARTS, STARTS_ISO; show EVENT_LINK }}
{{! (EVENT_ID) to link back to the event. }}
<h1>Cannot sell tickets here</h1>
{{#UNKNOWN}}
<p>We do not know this event. Choose an event from the <a href="/">list of upcoming events</a> and use “Sell tickets” on its page. An event created a moment ago may take a few seconds to appear here.</p>
{{/UNKNOWN}}
{{#CANCELLED}}
<p>“{{EVENT_NAME}}” is cancelled: nobody can sell or buy tickets for it.</p>
{{/CANCELLED}}
{{#STARTED}}
<p>“{{EVENT_NAME}}” started on <time datetime="{{STARTS_ISO}}">{{STARTS}}</time>: tickets can only be sold for events that have not started yet.</p>
{{/STARTED}}
{{#EVENT_LINK}}
<p><a href="/events/{{EVENT_ID}}">Back to the event</a></p>
{{/EVENT_LINK}}
