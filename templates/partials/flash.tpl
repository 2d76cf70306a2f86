{{%AUTOESCAPE context="HTML"}}
{{! One-time message after a redirect. Show section FLASH with FLASH_MESSAGE. }}
{{#FLASH}}
<div class="flash" role="status">
<p>{{FLASH_MESSAGE}}</p>
</div>
{{/FLASH}}
