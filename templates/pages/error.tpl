{{%AUTOESCAPE context="HTML"}}
{{! Fill: HEADING, MESSAGE: fixed texts per status, never request data. }}
<div class="error-page">
<h1>{{HEADING}}</h1>
<p>{{MESSAGE}}</p>
<p><a href="/">Go to the home page</a></p>
</div>
