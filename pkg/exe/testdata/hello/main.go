package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	r := bufio.NewReader(os.Stdin)
	fmt.Print("Qual é o seu nome:? ")
	name, _ := r.ReadString('\n')
	fmt.Printf("Oi, %s! Eu sou a linguagem Go!\n", name)
}
