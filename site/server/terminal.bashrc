# Start-up file of the learner terminal's bash (site/server/terminal.ts runs bash --rcfile this).
# The environment (PATH, KAFKA_BROKERS, topic variables) comes from the server; this sets the prompt
# and history and says where the shell is.
HISTFILE="$STREAMLAB_HISTFILE"
HISTSIZE=5000
HISTCONTROL=ignoredups
PS1='\[\e[1;36m\]${STREAMLAB_LAB}\[\e[0m\] \[\e[34m\]\W\[\e[0m\] \$ '
alias ls='ls --color=auto' 2>/dev/null
printf '\e[2mstreamlab lab %s · broker %s\e[0m\n' "$STREAMLAB_LAB" "$KAFKA_BROKERS"
for name in $STREAMLAB_LAB_VARS; do printf '\e[2m  %s=%s\e[0m\n' "$name" "${!name}"; done
printf '\e[2mKafka CLI tools (kafka-topics, kafka-console-consumer, …) are on PATH and use this broker.\e[0m\n'
